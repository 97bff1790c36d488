"""mx.sym.contrib: the contributed ops (registered as `_contrib_<name>`) and
MXNet 1.9's AdamW update functions there."""
from .._registry import module_getattr
from .register import OpNamespace
from .symbol import Symbol

_ops = OpNamespace("contrib")
__getattr__, __dir__ = module_getattr(_ops, __name__, globals())


def _rescale_grad_symbol(rescale_grad):
    """rescale_grad as the array the AdamW ops read (a number: a (1,) constant)."""
    if isinstance(rescale_grad, Symbol):
        return rescale_grad
    from .creation import full
    return full((1,), rescale_grad)


def adamw_update(weight, grad, mean, var, rescale_grad, lr, eta, beta1=0.9, beta2=0.999, epsilon=1e-8, wd=0,
                 clip_gradient=-1, out=None, name=None, **kwargs):
    """AdamW's update of weight (``_adamw_update``); mean and var are auxiliary states."""
    from . import _internal
    return _internal._adamw_update(weight, grad, mean, var, _rescale_grad_symbol(rescale_grad), lr=lr, eta=eta,
                                   beta1=beta1, beta2=beta2, epsilon=epsilon, wd=wd, clip_gradient=clip_gradient,
                                   name=name, **kwargs)


def mp_adamw_update(weight, grad, mean, var, weight32, rescale_grad, lr, eta, beta1=0.9, beta2=0.999, epsilon=1e-8,
                    wd=0, clip_gradient=-1, out=None, name=None, **kwargs):
    """adamw_update on the float32 master copy weight32 (``_mp_adamw_update``)."""
    from . import _internal
    return _internal._mp_adamw_update(weight, grad, mean, var, weight32, _rescale_grad_symbol(rescale_grad), lr=lr,
                                      eta=eta, beta1=beta1, beta2=beta2, epsilon=epsilon, wd=wd,
                                      clip_gradient=clip_gradient, name=name, **kwargs)
