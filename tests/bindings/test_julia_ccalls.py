"""The Julia binding (frontends/julia), checked without Julia.

Julia cannot be installed on CI machines, so every `ccall` in MX.jl's sources
is parsed here and checked against the declarations of the installed
mx/c_api.h and mx/c_predict_api.h (parsed with pycparser) and against the
symbols libmx exports: the function exists and is exported, the argument
count matches, and each Julia type matches its C type.  Types are compared
in a canonical form: ("ptr", T), ("struct", name) or a base name (int32,
uint32, int64, uint64, float, double, char, void).  Handles are typed on
both sides (C: `struct MXNDArray_*`; Julia: `Ptr{MXNDArray_}` with
`struct MXNDArray_ end`), so a symbol handle passed where an array handle
belongs is caught.
"""
import ctypes
import os
import re

import pycparser
import pytest
from pycparser import c_ast

import mxnet._ffi

HERE = os.path.dirname(os.path.abspath(__file__))
JULIA_SOURCES = os.path.join(HERE, "..", "..", "frontends", "julia", "src")
R_GLUE = os.path.join(HERE, "..", "..", "frontends", "r", "src")
INCLUDE_DIR = os.path.join(os.path.dirname(mxnet._ffi.LIB_DIR), "include", "mx")
HEADERS = ("c_api.h", "c_predict_api.h")

# C type names -> canonical base names (LP64: size_t is 64 bits).
C_BASE = {"int": "int32", "unsigned int": "uint32", "uint32_t": "uint32", "int64_t": "int64",
          "size_t": "uint64", "uint64_t": "uint64", "float": "float", "double": "double",
          "char": "char", "void": "void", "bool": "bool"}
# Julia's C-compatible type names -> canonical base names.
JULIA_BASE = {"Cint": "int32", "Int32": "int32", "Cuint": "uint32", "UInt32": "uint32",
              "Int64": "int64", "Clonglong": "int64", "Csize_t": "uint64", "UInt64": "uint64",
              "Cfloat": "float", "Float32": "float", "Cdouble": "double", "Float64": "double",
              "Cchar": "char", "UInt8": "char", "Cvoid": "void", "Bool": "bool"}


# ---------------------------------------------------------------- C side

def header_to_c(text):
    """The declarations of a public header as plain C for pycparser: no
    comments, no preprocessor lines, no C++ guard, no export macros."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"#ifdef __cplusplus.*?#endif", "", text, flags=re.S)
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    text = re.sub(r"\b(MX_API|MX_PRED_API)\b", "", text)
    # pycparser needs the stdint/stddef names as types; C_BASE gives their meaning.
    return "".join("typedef int %s;\n" % name
                   for name in ("int64_t", "uint32_t", "uint64_t", "size_t", "bool")) + text


def c_type(node, typedefs):
    if isinstance(node, c_ast.PtrDecl):
        return ("ptr", c_type(node.type, typedefs))
    if isinstance(node, c_ast.FuncDecl):
        return ("function",)
    inner = node.type
    if isinstance(inner, c_ast.Struct):
        return ("struct", inner.name)
    if isinstance(inner, c_ast.Enum):
        return "int32"
    name = " ".join(inner.names)
    if name in C_BASE:
        return C_BASE[name]
    return c_type(typedefs[name], typedefs)


def parse_declarations(texts):
    """{function name: (return type, [parameter types])} of C header texts."""
    declarations = {}
    for text in texts:
        unit = pycparser.CParser().parse(header_to_c(text))
        typedefs = {n.name: n.type for n in unit.ext if isinstance(n, c_ast.Typedef)}
        for node in unit.ext:
            if not (isinstance(node, c_ast.Decl) and isinstance(node.type, c_ast.FuncDecl)):
                continue
            params = node.type.args.params if node.type.args else []
            types = [c_type(p.type, typedefs) for p in params]
            if types == ["void"]:
                types = []
            signature = (c_type(node.type.type, typedefs), types)
            # A function both headers declare (MXGetLastError) must agree.
            assert declarations.setdefault(node.name, signature) == signature, node.name
    return declarations


# ------------------------------------------------------------ Julia side

def code_mask(text):
    """For each character, whether it is top-level Julia code: not in a
    comment or a string literal (interpolations included)."""
    mask = [False] * len(text)
    stack = ["code"]  # then "string"/"string3" and, inside them, "interp"
    depth = []  # open parentheses of each interpolation
    i = 0
    while i < len(text):
        state, c = stack[-1], text[i]
        if state in ("code", "interp"):
            if text.startswith("#=", i):
                i = text.index("=#", i) + 2
                continue
            if c == "#":
                end = text.find("\n", i)
                i = len(text) if end < 0 else end
                continue
            if c == '"':
                triple = text.startswith('"""', i)
                stack.append("string3" if triple else "string")
                i += 3 if triple else 1
                continue
            if state == "interp":
                if c == ")" and depth[-1] == 0:
                    stack.pop()
                    depth.pop()
                    i += 1
                    continue
                depth[-1] += {"(": 1, ")": -1}.get(c, 0)
            mask[i] = len(stack) == 1
            i += 1
        elif c == "\\":
            i += 2
        elif text.startswith("$(", i):
            stack.append("interp")
            depth.append(0)
            i += 2
        elif (state == "string3" and text.startswith('"""', i)) or (state == "string" and c == '"'):
            stack.pop()
            i += 3 if state == "string3" else 1
        else:
            i += 1
    return mask


def split_top_level(text, mask, begin, end):
    """text[begin:end] split at commas outside brackets, strings and comments."""
    parts, depth, start = [], 0, begin
    for i in range(begin, end):
        if not mask[i]:
            continue
        if text[i] in "([{":
            depth += 1
        elif text[i] in ")]}":
            depth -= 1
        elif text[i] == "," and depth == 0:
            parts.append((start, i))
            start = i + 1
    parts.append((start, end))
    code = lambda b, e: "".join(ch for ch, keep in zip(text[b:e], mask[b:e]) if keep)
    return [" ".join(code(b, e).split()) for b, e in parts]


def find_ccalls(text):
    """Each `ccall(...)` as its top-level arguments, with its line number."""
    mask = code_mask(text)
    for match in re.finditer(r"(?<![\w@.!])ccall\(", text):
        if not mask[match.start()]:
            continue
        depth, i = 0, match.end() - 1
        while True:
            if mask[i]:
                depth += {"(": 1, ")": -1}.get(text[i], 0)
                if depth == 0:
                    break
            i += 1
        yield text.count("\n", 0, match.start()) + 1, split_top_level(text, mask, match.end(), i)


def julia_declarations(text):
    """Opaque structs (`struct X end`) and constant aliases (`const X = Y`)."""
    structs = set(re.findall(r"^\s*struct\s+(\w+)\s+end\s*$", text, flags=re.M))
    aliases = dict(re.findall(r"^\s*const\s+(\w+)\s*=\s*(.+?)\s*$", text, flags=re.M))
    return structs, aliases


def julia_type(expr, structs, aliases):
    expr = expr.strip()
    match = re.fullmatch(r"(Ptr|Ref)\{(.+)\}", expr)
    if match:
        return ("ptr", julia_type(match.group(2), structs, aliases))
    if expr == "Cstring":
        return ("ptr", "char")
    if expr in JULIA_BASE:
        return JULIA_BASE[expr]
    if expr in structs:
        return ("struct", expr)
    if expr in aliases:
        return julia_type(aliases[expr], structs, aliases)
    raise ValueError("unknown Julia type %r" % expr)


def type_list(expr):
    """The types of a ccall's argument-type tuple: "(A, B)", "(A,)" or "()"."""
    inner = expr.strip()
    if not (inner.startswith("(") and inner.endswith(")")):
        raise ValueError("argument types must be a tuple, got %r" % expr)
    inner = inner[1:-1]
    mask = [True] * len(inner)
    return [t for t in split_top_level(inner, mask, 0, len(inner)) if t]


def check_ccall(parts, structs, aliases, declarations, is_exported):
    """The function one ccall (given as its top-level arguments) calls, or
    None, and its problems."""
    target = re.fullmatch(r"\(\s*:(\w+)\s*,\s*libmx\s*\)", parts[0])
    if len(parts) < 3 or not target:
        return None, ["expected ccall((:Name, libmx), Ret, (Types...), args...), got " + parts[0]]
    name = target.group(1)
    if name not in declarations:
        return name, ["%s: not declared in %s" % (name, " or ".join(HEADERS))]
    problems = [] if is_exported(name) else ["%s: not exported by libmx" % name]
    c_result, c_params = declarations[name]
    try:
        julia_params = type_list(parts[2])
        result = julia_type(parts[1], structs, aliases)
        params = [julia_type(t, structs, aliases) for t in julia_params]
    except ValueError as error:
        return name, problems + ["%s: %s" % (name, error)]
    if result != c_result:
        problems.append("%s: returns %s in C, %s in Julia" % (name, c_result, parts[1]))
    if len(params) != len(c_params):
        problems.append("%s: takes %d arguments in C, %d types in Julia"
                        % (name, len(c_params), len(params)))
    elif len(parts) - 3 != len(params):
        problems.append("%s: %d types but %d arguments" % (name, len(params), len(parts) - 3))
    for i, (julia, c) in enumerate(zip(params, c_params)):
        if julia != c:
            problems.append("%s: argument %d is %s in C, %s in Julia"
                            % (name, i + 1, c, julia_params[i]))
    return name, problems


def check_ccalls(sources, declarations, is_exported):
    """Problems with the ccalls of Julia sources ({file name: text}), as
    "file:line: message", and the names of the functions they call."""
    problems, called = [], set()
    structs, aliases = julia_declarations("\n".join(sources.values()))
    for file_name, text in sorted(sources.items()):
        if re.search(r"@ccall\b", text):
            problems.append("%s: @ccall is not checked; use ccall((:Name, libmx), ...)" % file_name)
        for line, parts in find_ccalls(text):
            name, found = check_ccall(parts, structs, aliases, declarations, is_exported)
            called.add(name)
            problems += ["%s:%d: %s" % (file_name, line, problem) for problem in found]
    called.discard(None)
    return problems, called


# ----------------------------------------------------------------- tests

@pytest.fixture(scope="module")
def declarations():
    texts = []
    for name in HEADERS:
        with open(os.path.join(INCLUDE_DIR, name), encoding="utf-8") as f:
            texts.append(f.read())
    return parse_declarations(texts)


@pytest.fixture(scope="module")
def exported():
    library = ctypes.CDLL(os.path.join(mxnet._ffi.LIB_DIR, "libmx.so"))
    return lambda name: hasattr(library, name)


def julia_sources():
    sources = {}
    for name in os.listdir(JULIA_SOURCES):
        if name.endswith(".jl"):
            with open(os.path.join(JULIA_SOURCES, name), encoding="utf-8") as f:
                sources[name] = f.read()
    return sources


def test_headers_parse_into_known_signatures(declarations):
    assert declarations["MXNDArrayCreate"] == (
        "int32", [("ptr", "int64"), "int32", "int32", "int32", "int32",
                  ("ptr", ("ptr", ("struct", "MXNDArray_")))])
    assert declarations["MXPredGetOutputShape"] == (
        "int32", [("ptr", ("struct", "MXPredictor_")), "uint32", ("ptr", ("ptr", "uint32")),
                  ("ptr", "uint32")])
    assert declarations["MXGetLastError"] == (("ptr", "char"), [])
    assert declarations["MXNDArraySyncCopyToCPU"][1][2] == "uint64"


def test_every_julia_ccall_matches_the_c_abi(declarations, exported):
    problems, called = check_ccalls(julia_sources(), declarations, exported)
    assert not problems, "\n".join(problems)
    assert len(called) >= 20


def test_julia_covers_what_the_r_glue_calls(declarations, exported):
    _, julia_calls = check_ccalls(julia_sources(), declarations, exported)
    r_calls = set()
    for name in os.listdir(R_GLUE):
        if name.endswith(".c"):
            with open(os.path.join(R_GLUE, name), encoding="utf-8") as f:
                r_calls |= set(re.findall(r"\b(MX[A-Za-z]+)\(", f.read()))
    r_calls &= set(declarations)
    assert len(r_calls) >= 20
    assert r_calls <= julia_calls, "Julia lacks " + ", ".join(sorted(r_calls - julia_calls))


JULIA_PRELUDE = """
struct MXNDArray_ end
struct MXSymbol_ end
const MXNDArrayHandle = Ptr{MXNDArray_}
const MXSymbolHandle = Ptr{MXSymbol_}
"""

GOOD_CALL = ("ccall((:MXNDArrayCreate, libmx), Cint, "
             "(Ptr{Int64}, Cint, Cint, Cint, Cint, Ref{MXNDArrayHandle}), "
             "shape, length(shape), 1, 0, 0, out)")


@pytest.mark.parametrize("call, problem", [
    (GOOD_CALL.replace(":MXNDArrayCreate", ":MXNDArrayCreat"), "not declared"),
    (GOOD_CALL.replace("Ptr{Int64}", "Ptr{Cint}"), "argument 1 is ('ptr', 'int64') in C"),
    (GOOD_CALL.replace("Ref{MXNDArrayHandle}", "Ref{MXSymbolHandle}"), "argument 6"),
    (GOOD_CALL.replace("Ref{MXNDArrayHandle}", "Ref{Ptr{Cvoid}}"), "argument 6"),
    (GOOD_CALL.replace("Cint, Cint, Cint, Cint", "Cint, Cint, Cint"), "takes 6 arguments in C, 5"),
    (GOOD_CALL.replace(", out)", ")"), "6 types but 5 arguments"),
    (GOOD_CALL.replace("), Cint, (", "), Cvoid, ("), "returns int32 in C"),
    (GOOD_CALL.replace("libmx", '"libother"'), "expected ccall((:Name, libmx)"),
    (GOOD_CALL.replace("Ptr{Int64}", "Ptr{Int}"), "unknown Julia type 'Int'"),
    (GOOD_CALL.replace("(Ptr{Int64}, Cint, Cint, Cint, Cint, Ref{MXNDArrayHandle})", "Ptr{Int64}"),
     "argument types must be a tuple"),
    ("@ccall libmx.MXNDArrayFree(h::MXNDArrayHandle)::Cint", "@ccall is not checked"),
])
def test_the_checker_catches_a_wrong_ccall(declarations, exported, call, problem):
    problems, _ = check_ccalls({"t.jl": JULIA_PRELUDE + call}, declarations, exported)
    assert any(problem in p for p in problems), problems


def test_the_checker_accepts_a_right_ccall_and_skips_strings_and_comments(declarations, exported):
    source = JULIA_PRELUDE + GOOD_CALL + '\n# ccall((:Nope, libmx), Cint, ())\nmsg = "ccall((:Nope"\n'
    assert check_ccalls({"t.jl": source}, declarations, exported) == ([], {"MXNDArrayCreate"})


def test_the_checker_needs_the_symbol_exported(declarations):
    problems, _ = check_ccalls({"t.jl": JULIA_PRELUDE + GOOD_CALL}, declarations, lambda name: False)
    assert problems == ["t.jl:6: MXNDArrayCreate: not exported by libmx"]
