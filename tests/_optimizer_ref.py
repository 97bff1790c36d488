"""float64 numpy references of MXNet 1.9's optimizer update ops
(src/operator/optimizer_op-inl.h), shared by tests/ops and tests/triton.

Each reference takes (weight, grad, *states, **params) and returns
(new_weight, new_states).  Float parameters are rounded to float32 first, as
MXNet stores them.  mp_* ops take weight32 as their last state and return
the float32 master weight as the new weight.
"""
import numpy as np

# op -> (state names, defaults of the optional parameters)
SGD_DEFAULTS = {"wd": 0.0, "rescale_grad": 1.0, "clip_gradient": -1.0}
OPS = {
    "sgd_update": ((), SGD_DEFAULTS),
    "mp_sgd_update": (("weight32",), SGD_DEFAULTS),
    "sgd_mom_update": (("mom",), dict(SGD_DEFAULTS, momentum=0.0)),
    "mp_sgd_mom_update": (("mom", "weight32"), dict(SGD_DEFAULTS, momentum=0.0)),
    "nag_mom_update": (("mom",), dict(SGD_DEFAULTS, momentum=0.0)),
    "mp_nag_mom_update": (("mom", "weight32"), dict(SGD_DEFAULTS, momentum=0.0)),
    "signsgd_update": ((), SGD_DEFAULTS),
    "signum_update": (("mom",), dict(SGD_DEFAULTS, momentum=0.0, wd_lh=0.0)),
    "adam_update": (("mean", "var"), dict(SGD_DEFAULTS, beta1=0.9, beta2=0.999, epsilon=1e-8)),
    "rmsprop_update": (("n",), dict(SGD_DEFAULTS, gamma1=0.95, epsilon=1e-8, clip_weights=-1.0)),
    "rmspropalex_update": (("n", "g", "delta"),
                           dict(SGD_DEFAULTS, gamma1=0.95, gamma2=0.9, epsilon=1e-8, clip_weights=-1.0)),
    "ftrl_update": (("z", "n"), dict(SGD_DEFAULTS, lamda1=0.01, beta=1.0)),
    "ftml_update": (("d", "v", "z"), {"wd": 0.0, "rescale_grad": 1.0, "clip_grad": -1.0, "beta1": 0.6,
                                      "beta2": 0.999, "epsilon": 1e-8}),
}
MIXED = {"mp_sgd_update", "mp_sgd_mom_update", "mp_nag_mom_update"}


def clip(x, bound):
    return x if bound < 0 else np.clip(x, -bound, bound)


def _params(op, given):
    p = dict(OPS[op][1], **given)
    # MXNet's float parameters are float32; ftml's epsilon is a double and t an int
    return {k: v if k in ("t",) or (op == "ftml_update" and k == "epsilon") else float(np.float32(v))
            for k, v in p.items()}


def reference(op, weight, grad, *states, **given):
    p = _params(op, given)
    w, g = np.asarray(weight, np.float64), np.asarray(grad, np.float64)
    s = [np.asarray(x, np.float64) for x in states]
    if op in MIXED:
        w = s[-1]
    lr, wd = p["lr"], p["wd"]
    if op in ("sgd_update", "mp_sgd_update"):
        out = (1 - lr * wd) * w - lr * clip(p["rescale_grad"] * g, p["clip_gradient"])
        return out, ([out] if op in MIXED else [])
    if op in ("sgd_mom_update", "mp_sgd_mom_update"):
        mom = p["momentum"] * s[0] - lr * wd * w - lr * clip(p["rescale_grad"] * g, p["clip_gradient"])
        return w + mom, [mom] + ([w + mom] if op in MIXED else [])
    if op in ("nag_mom_update", "mp_nag_mom_update"):
        gr = clip(p["rescale_grad"] * g, p["clip_gradient"])
        m = p["momentum"] * s[0]
        out = w - m + (p["momentum"] + 1) * (m - lr * (gr + wd * w))
        mom = m - lr * (gr + wd * out)  # MXNet's kernel reads the new weight here
        return out, [mom] + ([out] if op in MIXED else [])
    if op == "signsgd_update":
        return (1 - lr * wd) * w - lr * np.sign(g), []
    if op == "signum_update":
        mom = p["momentum"] * s[0] - (1 - p["momentum"]) * (wd * w + clip(p["rescale_grad"] * g, p["clip_gradient"]))
        return (1 - lr * p["wd_lh"]) * w + lr * np.sign(mom), [mom]
    if op == "adam_update":
        gr = clip(p["rescale_grad"] * g + wd * w, p["clip_gradient"])
        mean = p["beta1"] * s[0] + (1 - p["beta1"]) * gr
        var = p["beta2"] * s[1] + (1 - p["beta2"]) * gr * gr
        return w - lr * mean / (np.sqrt(var) + p["epsilon"]), [mean, var]
    if op == "rmsprop_update":
        gr = clip(p["rescale_grad"] * g + wd * w, p["clip_gradient"])
        n = (1 - p["gamma1"]) * gr * gr + p["gamma1"] * s[0]
        return clip(w - lr * gr / np.sqrt(n + p["epsilon"]), p["clip_weights"]), [n]
    if op == "rmspropalex_update":
        gr = clip(p["rescale_grad"] * g + wd * w, p["clip_gradient"])
        n = (1 - p["gamma1"]) * gr * gr + p["gamma1"] * s[0]
        gm = (1 - p["gamma1"]) * gr + p["gamma1"] * s[1]
        delta = p["gamma2"] * s[2] - lr * gr / np.sqrt(n - gm * gm + p["epsilon"])
        return clip(w + delta, p["clip_weights"]), [n, gm, delta]
    if op == "ftrl_update":
        gr = clip(p["rescale_grad"] * g, p["clip_gradient"])
        z = s[0] + gr - (np.sqrt(s[1] + gr * gr) - np.sqrt(s[1])) * w / lr
        n = s[1] + gr * gr
        out = (np.sign(z) * p["lamda1"] - z) / ((p["beta"] + np.sqrt(n)) / lr + wd) * (np.abs(z) > p["lamda1"])
        return out, [z, n]
    if op == "ftml_update":
        gr = clip(p["rescale_grad"] * g + wd * w, p["clip_grad"])
        t = p["t"]
        v = p["beta2"] * s[1] + (1 - p["beta2"]) * gr * gr
        d = (1 - p["beta1"] ** t) / lr * (np.sqrt(v / (1 - p["beta2"] ** t)) + p["epsilon"])
        z = p["beta1"] * s[2] + (1 - p["beta1"]) * gr - (d - p["beta1"] * s[0]) * w
        return -z / d, [d, v, z]
    raise KeyError(op)


def initial_states(op, weight, rng):
    """States to start from: non-negative where the op needs it (accumulated
    squares), the float32 master copy of weight for weight32."""
    names = OPS[op][0]
    states = []
    for name in names:
        if name == "weight32":
            states.append(np.asarray(weight, np.float32).astype(np.float64))
        elif name in ("n", "var", "v", "d"):
            states.append(rng.uniform(0.5, 1.0, np.shape(weight)))
        else:
            states.append(rng.standard_normal(np.shape(weight)) * 0.1)
    if op == "rmspropalex_update":  # n - g^2 stays positive
        states[1] = states[1] * 0.1
    return states


# Per op, parameters that exercise every term: momentum-like factors set,
# and a second set with weight decay, rescaling and clipping.
EXTRA = {"sgd_mom_update": {"momentum": 0.9}, "mp_sgd_mom_update": {"momentum": 0.9},
         "nag_mom_update": {"momentum": 0.9}, "mp_nag_mom_update": {"momentum": 0.9},
         "signum_update": {"momentum": 0.9, "wd_lh": 0.05}, "adam_update": {"beta1": 0.8, "beta2": 0.99},
         "rmsprop_update": {"gamma1": 0.9, "epsilon": 1e-6}, "rmspropalex_update": {"gamma1": 0.9, "gamma2": 0.8},
         "ftrl_update": {"lamda1": 0.05, "beta": 1.5}, "ftml_update": {"beta1": 0.5, "beta2": 0.99, "t": 1}}


def param_sets(op):
    """[plain, with wd/rescale_grad/clipping] keyword arguments for op."""
    plain = dict({"lr": 0.1}, **EXTRA.get(op, {}))
    clip_name = "clip_grad" if op == "ftml_update" else "clip_gradient"
    full = dict(plain, wd=0.01, rescale_grad=0.5, **{clip_name: 0.3})
    if op.startswith("rmsprop"):
        full["clip_weights"] = 0.8
    return [plain, full]


# multi_* ops -> the single-weight op each weight's update follows
MULTI = {"multi_%ssgd_%supdate" % (mp, mom): "%ssgd_%supdate" % (mp, mom) for mp in ("", "mp_") for mom in ("", "mom_")}
MULTI.update({"preloaded_" + op: single for op, single in MULTI.items()})


def multi_reference(op, groups, lrs, wds, **params):
    """groups: one (weight, grad, *states) per weight; returns one
    (new_weight, new_states) per weight."""
    return [reference(MULTI[op], *group, lr=lr, wd=wd, **params) for group, lr, wd in zip(groups, lrs, wds)]


def sum_sq(arrays):
    """multi_sum_sq: each array's sum of squares."""
    return np.array([np.sum(np.square(np.asarray(a, np.float64))) for a in arrays])


def all_finite(arrays):
    """all_finite / multi_all_finite's flag."""
    return np.array([float(all(np.isfinite(np.asarray(a, np.float64)).all() for a in arrays))])


def _f32(x):
    return float(np.float32(x))


def lamb_phase1(weight, grad, mean, var, weight32=None, beta1=0.9, beta2=0.999, epsilon=1e-6, t=1,
                bias_correction=True, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0):
    """(lamb_update_phase1's g, new mean, new var); mp_: weight32 given."""
    beta1, beta2, epsilon, wd = _f32(beta1), _f32(beta2), _f32(epsilon), _f32(wd)
    w = np.asarray(weight if weight32 is None else weight32, np.float64)
    g = clip(_f32(rescale_grad) * np.asarray(grad, np.float64), _f32(clip_gradient))
    mean = beta1 * np.asarray(mean, np.float64) + (1 - beta1) * g
    var = beta2 * np.asarray(var, np.float64) + (1 - beta2) * g * g
    bias1, bias2 = (1 - beta1 ** t, 1 - beta2 ** t) if bias_correction else (1.0, 1.0)
    return (mean / bias1) / (np.sqrt(var / bias2) + epsilon) + wd * w, mean, var


def lamb_phase2(weight, g, r1, r2, weight32=None, lr=0.1, lower_bound=-1.0, upper_bound=-1.0):
    """lamb_update_phase2's new weight (mp_: the step from weight32)."""
    r1, r2 = float(np.asarray(r1).ravel()[0]), float(np.asarray(r2).ravel()[0])
    if lower_bound >= 0:
        r1 = max(r1, _f32(lower_bound))
    if upper_bound >= 0:
        r1 = min(r1, _f32(upper_bound))
    step = _f32(lr) if r1 == 0 or r2 == 0 else _f32(lr) * r1 / r2
    return np.asarray(weight if weight32 is None else weight32, np.float64) - step * np.asarray(g, np.float64)


def multi_lars(lrs, weights_sum_sq, grads_sum_sq, wds, eta, eps, rescale_grad=1.0):
    lrs, wss, gss, wds = (np.asarray(a, np.float64) for a in (lrs, weights_sum_sq, grads_sum_sq, wds))
    w_norm = np.sqrt(wss)
    with np.errstate(divide="ignore", invalid="ignore"):
        lars = lrs * _f32(eta) * w_norm / (np.sqrt(gss) * _f32(rescale_grad) + wds * w_norm + _f32(eps))
    return np.where((w_norm > 0) & (gss > 0), lars, lrs)


def adamw(weight, grad, mean, var, weight32=None, rescale_grad=1.0, lr=0.1, eta=1.0, beta1=0.9, beta2=0.999,
          epsilon=1e-8, wd=0.0, clip_gradient=-1.0):
    """(_adamw_update's new weight, [new mean, new var]); mp_: weight32 given,
    its new value appended to the states.  rescale_grad 0, inf or NaN skips
    the update: the weight and the states come back unchanged."""
    lr, eta, beta1, beta2, epsilon, wd = (_f32(x) for x in (lr, eta, beta1, beta2, epsilon, wd))
    states = [np.asarray(s, np.float64) for s in (mean, var) + (() if weight32 is None else (weight32,))]
    scale = _f32(rescale_grad)
    if not np.isfinite(scale) or scale == 0:
        return np.asarray(weight, np.float64), states
    w = np.asarray(weight if weight32 is None else weight32, np.float64)
    g = clip(scale * np.asarray(grad, np.float64), _f32(clip_gradient))
    mean = beta1 * states[0] + (1 - beta1) * g
    var = beta2 * states[1] + (1 - beta2) * g * g
    out = w - eta * (lr * mean / (np.sqrt(var) + epsilon) + wd * w)
    return out, [mean, var] + ([] if weight32 is None else [out])


def multi_lamb(groups, learning_rates, wds, step_count, beta1=0.9, beta2=0.999, epsilon=1e-6, rescale_grad=1.0,
               lower_bound=-1.0, upper_bound=-1.0, clip_gradient=-1.0, bias_correction=True):
    """_multi_lamb_update / _multi_mp_lamb_update: groups holds one (weight,
    grad, mean, var[, weight32]) per tensor; returns one (new weight, [new
    mean, new var[, new weight32]]) per tensor.  Each is LAMB's two phases
    with r1 = ||weight|| (the weight as given, also in mixed precision) and
    r2 = the norm of phase 1's direction."""
    results = []
    for group, lr, wd, t in zip(groups, learning_rates, wds, step_count):
        weight, grad, mean, var = group[:4]
        weight32 = group[4] if len(group) == 5 else None
        g, mean, var = lamb_phase1(weight, grad, mean, var, weight32, beta1=beta1, beta2=beta2, epsilon=epsilon, t=t,
                                   bias_correction=bias_correction, wd=wd, rescale_grad=rescale_grad,
                                   clip_gradient=clip_gradient)
        r1, r2 = np.linalg.norm(np.asarray(weight, np.float64)), np.linalg.norm(g)
        out = lamb_phase2(weight, g, [r1], [r2], weight32, lr=lr, lower_bound=lower_bound, upper_bound=upper_bound)
        results.append((out, [mean, var] + ([] if weight32 is None else [out])))
    return results
