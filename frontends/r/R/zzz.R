# Refuse a libmx of another ABI major before anything calls it.
.onLoad <- function(libname, pkgname) {
  .Call(C_mx_r_abi_check)
}
