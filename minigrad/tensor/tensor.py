"""``Tensor``: an array plus what autograd needs to differentiate through it.

The data is a NumPy (CPU) or CuPy (GPU) array in ``_data``. Autograd state:

- ``requires_grad`` — should operations on this tensor be recorded?
- ``grad_fn``       — the graph node that produced it (None for leaves),
- ``grad``          — the gradient accumulated into a leaf by ``backward()``,
- ``_version``      — how many in-place changes the memory has seen; the counter (``_vc``) is
                      shared with views and ``detach()``-ed aliases, so a saved tensor can
                      tell that it was modified.

Operators and math methods live in ``methods.py`` (they call into ``minigrad.ops``). The layers
above are built on Tensor, so this package imports neither: each installs what Tensor takes
from it when minigrad is imported (``autograd._install``, and ``minigrad._install_ops``).
"""
from __future__ import annotations

import warnings
import weakref
from typing import Any, Callable, Sequence

import numpy as np

from .. import backend
from . import dtypes
from .methods import TensorMethods
from .printing import format_tensor


class Version:
    """A mutable counter shared by every alias of the same memory."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0


class Size(tuple):
    """``torch.Size``: a tuple that prints like PyTorch's."""

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(str(s) for s in self)}])"

    def __getitem__(self, index):
        r = tuple.__getitem__(self, index)
        return Size(r) if isinstance(index, slice) else r

    def numel(self) -> int:
        return int(np.prod(self, dtype=np.int64))


class Tensor(TensorMethods):
    # Every op makes a tensor, so making one must be cheap: the six attributes every tensor
    # sets are slots; the rest are rarely set and default to the class attributes below.
    # (_vc, the Version counter, is made on first need: see _counter. It is a slot as it is
    # set on every view and saved output: setting an attribute that is not a slot makes the
    # tensor a dict of its own.)
    __slots__ = ("_data", "_device", "_requires_grad", "grad_fn", "_output_nr", "_vc",
                 "__dict__", "__weakref__")
    _grad = None           # .grad
    _accumulator = None    # weakref to this leaf's AccumulateGrad node
    _hooks = None          # {handle id: hook} from register_hook on a leaf
    _retains_grad = False
    _view_info = None      # a view: (base, replay, kind), see autograd/views.py
    _views = None          # a base: weak references to its views
    _views_live = 0        # how many of them were alive when last counted
    _name = None
    # What Tensor takes from the autograd layer, which is built on it and so is not imported
    # here: minigrad.autograd._install(Tensor) sets these when minigrad is imported.
    _engine = None           # autograd.engine: runs backward()
    _AccumulateGrad = None   # autograd.graph.AccumulateGrad: a leaf's node (_grad_accumulator)
    _RemovableHandle = None  # autograd.hooks.RemovableHandle: register_hook on a leaf returns one
    _grad_mode = None        # autograd.grad_mode: the in-place random fills check it

    # ------------------------------------------------------------------ construction
    def __init__(self, *args: Any, device=None) -> None:
        """Legacy constructor: ``Tensor([1, 2])`` copies data as float32, ``Tensor(2, 3)`` makes
        an uninitialised 2x3 tensor (PyTorch's behaviour; prefer ``minigrad.tensor``)."""
        dev = backend.parse_device(device)
        xp = backend.array_module(dev)
        if not args:
            arr = xp.zeros((0,), dtype=np.float32)
        elif len(args) == 1 and not isinstance(args[0], (int, np.integer, Size)):
            arr = xp.asarray(_host_data(args[0]), dtype=np.float32)
        else:
            shape = args[0] if len(args) == 1 and isinstance(args[0], tuple) else args
            arr = xp.zeros(tuple(int(s) for s in shape), dtype=np.float32)
        _init(self, arr, dev)

    @staticmethod
    def _make(data, device: backend.device, requires_grad: bool = False) -> "Tensor":
        """The fast internal constructor: wrap an array we already own (no copy, no checks)."""
        t = object.__new__(Tensor)
        # _init's assignments, written out: this runs for every op's output
        t._data, t._device, t._requires_grad, t.grad_fn, t._output_nr, t._vc = (
            data, device, requires_grad, None, 0, None)
        return t

    def _counter(self) -> Version:
        """The version counter, shared by every alias of this memory (made when first needed:
        most tensors are never saved for backward, viewed or changed in place)."""
        vc = self._vc
        if vc is None:
            vc = self._vc = Version()
        return vc

    # ------------------------------------------------------------------ data & metadata
    @property
    def data(self) -> "Tensor":
        """The same memory as a tensor that autograd doesn't track (and whose changes it
        doesn't see: unlike ``detach()``, it does not share the version counter)."""
        return Tensor._make(self._data, self._device)

    @data.setter
    def data(self, value: "Tensor") -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        self._data = value._data
        self._device = value._device

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def dim(self) -> int:
        return self._data.ndim

    ndim = property(dim)

    def numel(self) -> int:
        return int(self._data.size)

    nelement = numel

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    @property
    def dtype(self) -> dtypes.dtype:
        return dtypes._FROM_NP[self._data.dtype]

    @property
    def device(self) -> backend.device:
        return self._device

    @property
    def is_cuda(self) -> bool:
        return self._device.type == "cuda"

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def element_size(self) -> int:
        return self._data.itemsize

    @property
    def xp(self):
        """The array module of this tensor's device (numpy or cupy)."""
        return np if self._device is backend.cpu else backend.array_module(self._device)

    # ------------------------------------------------------------------ autograd state
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if self.grad_fn is not None:
            if flag:
                return
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach().")
        if flag and self._data.dtype.kind != "f":
            raise RuntimeError("only Tensors of floating point and complex dtype can require "
                               "gradients")
        self._requires_grad = bool(flag)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self) -> bool:
        """Leaves are tensors no recorded operation produced: created by the user, or not
        requiring grad. Only leaves get ``.grad`` filled in by ``backward()``."""
        return self.grad_fn is None

    @property
    def _version(self) -> int:
        return 0 if self._vc is None else self._vc.value

    @property
    def grad(self) -> "Tensor | None":
        if self._grad is None and self.grad_fn is not None and not self._retains_grad:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
                ".grad attribute won't be populated during autograd.backward(). If you indeed "
                "want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() "
                "on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure "
                "you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 "
                "for more information.", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: "Tensor | None") -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad "
                                f"of type {type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor "
                    f"of size '{list(self.shape)}'. Please ensure that the gradient and the "
                    "tensor are the same size")
            if value.dtype is not self.dtype:  # (PyTorch names the two dtypes two ways)
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype "
                    f"'{dtypes.c_type_name(value.dtype)}' to a tensor with grad_dtype "
                    f"'{dtypes.type_name(self.dtype)}'. The gradient must match the tensor's "
                    "grad_dtype (defaults to the tensor's dtype).")
            if value._device != self._device:
                raise RuntimeError(f"attempting to assign a gradient on device "
                                   f"'{value._device}' to a tensor on device '{self._device}'")
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor too (leaves always keep theirs)."""
        ### BEGIN SOLUTION chapter 7: retain_grad
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return  # a leaf keeps its .grad anyway; asking twice retains once
        self._retains_grad = True
        # The node stores a weak reference: the tensor owns the node, not the other way round.
        self.grad_fn._retain_grad(self._output_nr, weakref.ref(self))
        ### END SOLUTION

    def register_hook(self, hook: Callable[["Tensor"], "Tensor | None"]) -> "RemovableHandle":
        """Call ``hook(grad)`` whenever a gradient for this tensor is computed; a returned
        tensor replaces the gradient. Returns a handle whose ``remove()`` unregisters it."""
        ### BEGIN SOLUTION chapter 7: register_hook (a leaf keeps its hooks, a node its outputs')
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = {}
            return self._RemovableHandle(self._hooks, hook)
        return self.grad_fn._register_tensor_hook(self._output_nr, hook)
        ### END SOLUTION

    def _grad_accumulator(self):
        """The one ``AccumulateGrad`` node of this leaf, made on first use and shared by every
        operation that uses the leaf. The leaf holds it weakly: graphs own it, the leaf doesn't."""
        node = self._accumulator() if self._accumulator is not None else None
        if node is None:
            node = self._AccumulateGrad(self)
            self._accumulator = weakref.ref(node)
        return node

    @property
    def _base(self) -> "Tensor | None":
        """The tensor whose memory this view shares (None if it is not a view)."""
        return self._view_info[0] if self._view_info is not None else None

    def _is_view(self) -> bool:
        return self._view_info is not None

    def detach(self) -> "Tensor":
        """A new tensor on the same memory, cut from the graph. It shares the version counter,
        so modifying it in place is still caught by backward's checks."""
        ### BEGIN SOLUTION chapter 6: detach (the same memory and version counter, no history)
        t = Tensor._make(self._data, self._device)
        t._vc = self._counter()
        return t
        ### END SOLUTION

    def detach_(self) -> "Tensor":
        """Cut this tensor from its graph in place: it becomes a leaf that doesn't require grad."""
        if self._view_info is not None:
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using "
                "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set "
                "as True, gradients are views of DDP buckets, and hence detach_() cannot be "
                "called on these gradients. To fix this error, please refer to the "
                "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.")
        self.grad_fn = None
        self._requires_grad = False
        self._output_nr = 0
        return self

    def backward(self, gradient: "Tensor | None" = None, retain_graph: bool | None = None,
                 create_graph: bool = False, inputs: "Sequence[Tensor] | Tensor | None" = None
                 ) -> None:
        """Compute the gradient of this tensor w.r.t. the graph's leaves and accumulate it into
        their ``.grad``. ``gradient`` is the vector of the vector-Jacobian product (needed when
        the tensor is not a scalar)."""
        self._engine.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    # ------------------------------------------------------------------ conversion
    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The data as a NumPy array, sharing memory (CPU tensors that don't require grad)."""
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        if self._device.type != "cpu":
            if not force:
                raise TypeError(f"can't convert {self._device} device type tensor to numpy. "
                                "Use Tensor.cpu() to copy the tensor to host memory first.")
            return backend.to_device(self._data, backend.cpu)
        return self._data

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted "
                               "to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        return backend.to_device(self._data, backend.cpu).tolist()

    def __float__(self) -> float:
        if self._requires_grad:  # PyTorch warns here (not for item() or int())
            warnings.warn("Converting a tensor with requires_grad=True to a scalar may lead to "
                          "unexpected behavior.\nConsider using tensor.detach() first.",
                          UserWarning, stacklevel=2)
        return float(self._scalar())

    def __int__(self) -> int:
        return int(self._scalar())

    def _scalar(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self.item()

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self.item())

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.numpy(), dtype=dtype)

    def __hash__(self) -> int:
        return id(self)

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))  # one UnbindBackward0 node for all rows, as PyTorch

    def __reduce_ex__(self, proto):
        return (_rebuild, (backend.to_device(self._data, backend.cpu), str(self._device),
                           self._requires_grad))

    # ------------------------------------------------------------------ printing
    def __repr__(self) -> str:
        return format_tensor(backend.to_device(self._data, backend.cpu), dtype=self.dtype.name,
                             device=str(self._device), requires_grad=self._requires_grad,
                             grad_fn=(type(self.grad_fn).__name__ if self.grad_fn is not None
                                      else None))

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:  # f"{loss:.3f}" and f"{loss}" format the number, as PyTorch
            return format(self.item(), spec)
        return repr(self)

    def data_ptr(self) -> int:
        """Address of the first element (equal for tensors that share memory)."""
        return int(self._data.ctypes.data if self._device.type == "cpu"
                   else self._data.data.ptr)


def _init(t: Tensor, data, device) -> None:
    """Set the slots every tensor has (the other attributes default to the class's)."""
    t._data, t._device, t._requires_grad, t.grad_fn, t._output_nr, t._vc = (
        data, device, False, None, 0, None)


def _host_data(data):
    """Nested lists may hold tensors (``[t1, t2]``); turn those into plain values."""
    if isinstance(data, Tensor):
        return backend.to_device(data._data, backend.cpu)
    if isinstance(data, (list, tuple)):
        return [_host_data(d) for d in data]
    return data


def _rebuild(arr, device, requires_grad):
    dev = backend.parse_device(device)
    return Tensor._make(backend.to_device(arr, dev), dev, requires_grad)
