"""The names CuPy 14.2 has (read from `dir()` of cupy-cuda13x 14.2.0): the stand-in defines no
name outside these, so code that passes on it does not call something CuPy lacks."""

UFUNCS = frozenset("""
    abs absolute acos acosh add arccos arccosh arcsin arcsinh arctan arctan2 arctanh asin asinh
    atan atan2 atanh bitwise_and bitwise_count bitwise_invert bitwise_left_shift bitwise_not
    bitwise_or bitwise_right_shift bitwise_xor cbrt ceil conj conjugate copysign cos cosh
    deg2rad degrees divide divmod equal exp exp2 expm1 fabs fix float_power floor floor_divide
    fmax fmin fmod frexp gcd greater greater_equal heaviside hypot i0 invert isfinite isinf
    isnan lcm ldexp left_shift less less_equal log log10 log1p log2 logaddexp logaddexp2
    logical_and logical_not logical_or logical_xor maximum minimum mod modf multiply negative
    nextafter not_equal positive pow power rad2deg radians reciprocal remainder right_shift rint
    sign signbit sin sinc sinh sqrt square subtract tan tanh true_divide trunc
""".split())

MODULE = frozenset("""
    AxisError ComplexWarning DataSource ElementwiseKernel Inf Infinity ModuleDeprecationWarning
    NAN NINF NZERO NaN PINF PZERO RankWarning RawKernel RawModule ReductionKernel TooHardError
    VisibleDeprecationWarning all allclose alltrue amax amin angle annotations any append
    apply_along_axis apply_over_axes arange argmax argmin argpartition argsort argwhere around
    array array2string array_equal array_equiv array_repr array_split array_str asanyarray
    asarray asarray_chkfinite ascontiguousarray asfarray asfortranarray asnumpy astype
    atleast_1d atleast_2d atleast_3d average bartlett base_repr binary_repr bincount blackman
    bool bool_ broadcast broadcast_arrays broadcast_shapes broadcast_to byte byte_bounds c_
    can_cast cdouble cfloat choose clear_memo clip column_stack common_type complex128 complex64
    complex_ complexfloating compress concat concatenate convolve copy copyto corrcoef correlate
    count_nonzero cov cross csingle cuda cumprod cumproduct cumsum cumulative_prod
    cumulative_sum delete diag diag_indices diag_indices_from diagflat diagonal diff digitize
    disable_experimental_feature_warning disp dot double dsplit dstack dtype e ediff1d einsum
    empty empty_like euler_gamma exceptions expand_dims extract eye fft fill_diagonal
    find_common_type finfo flatiter flatnonzero flip fliplr flipud float16 float32 float64
    float_ floating format_float_positional format_float_scientific format_parser fromDlpack
    from_dlpack frombuffer fromfile fromfunction fromiter fromstring full full_like fuse generic
    genfromtxt get_array_module get_array_wrap get_default_memory_pool
    get_default_pinned_memory_pool get_printoptions gradient half hamming hanning histogram
    histogram2d histogramdd hsplit hstack identity iinfo imag in1d index_exp indices inexact inf
    infty inner int16 int32 int64 int8 int_ intc integer interp intersect1d intp is_available
    isclose iscomplex iscomplexobj isdtype isfortran isin isneginf isposinf isreal isrealobj
    isscalar issctype issubclass_ issubdtype issubsctype iterable ix_ kaiser kron lexsort lib
    linalg linspace load loadtxt logspace long longlong make_aligned_dtype mask_indices matmul
    matrix_transpose max may_share_memory mean median memoize meshgrid mgrid min min_scalar_type
    mintypecode moveaxis msort nan nan_to_num nanargmax nanargmin nancumprod nancumsum nanmax
    nanmean nanmedian nanmin nanprod nanstd nansum nanvar ndarray ndim ndindex newaxis nonzero
    number obj2sctype ogrid ones ones_like outer packbits pad partition percentile permute_dims
    pi piecewise place poly poly1d polyadd polyfit polymul polynomial polysub polyval
    printoptions prod product promote_types ptp put put_along_axis putmask quantile r_ random
    ravel ravel_multi_index real real_if_close repeat require reshape resize result_type roll
    rollaxis roots rot90 round round_ row_stack s_ safe_eval save savetxt savez savez_compressed
    sctype2char searchsorted select set_printoptions set_string_function setdiff1d setxor1d
    shape shares_memory short show_config signedinteger single singlecomplex size sometrue sort
    sort_complex split squeeze stack std sum swapaxes take take_along_axis tensordot testing
    tile trace transpose trapezoid trapz tri tril tril_indices tril_indices_from trim_zeros triu
    triu_indices triu_indices_from typename typing ubyte ufunc uint uint16 uint32 uint64 uint8
    uintc uintp ulong ulonglong union1d unique unique_all unique_counts unique_inverse
    unique_values unpackbits unravel_index unsignedinteger unwrap ushort vander var vdot
    vectorize vsplit vstack where who zeros zeros_like
""".split())

NDARRAY = frozenset("""
    T __abs__ __add__ __and__ __array__ __array_finalize__ __array_function__ __array_priority__
    __array_ufunc__ __bool__ __bytes__ __class__ __class_getitem__ __complex__ __copy__
    __cuda_array_interface__ __deepcopy__ __delattr__ __delitem__ __dir__ __div__ __divmod__
    __dlpack__ __dlpack_device__ __doc__ __eq__ __float__ __floordiv__ __format__ __ge__
    __getattribute__ __getitem__ __getstate__ __gt__ __hash__ __hex__ __iadd__ __iand__ __idiv__
    __ifloordiv__ __ilshift__ __imod__ __imul__ __init__ __init_subclass__ __int__ __invert__
    __ior__ __ipow__ __irshift__ __isub__ __iter__ __itruediv__ __ixor__ __le__ __len__
    __lshift__ __lt__ __matmul__ __mod__ __module__ __mul__ __ne__ __neg__ __new__ __oct__
    __or__ __pos__ __pow__ __pyx_vtable__ __radd__ __rand__ __rdivmod__ __reduce__ __reduce_ex__
    __repr__ __rfloordiv__ __rlshift__ __rmatmul__ __rmod__ __rmul__ __ror__ __rpow__
    __rrshift__ __rshift__ __rsub__ __rtruediv__ __rxor__ __setattr__ __setitem__ __sizeof__
    __slots__ __str__ __sub__ __subclasshook__ __truediv__ __xor__ all any argmax argmin
    argpartition argsort astype base byteswap choose clip compress conj conjugate copy cstruct
    cumprod cumsum data device diagonal dot dtype dump dumps fill flags flat flatten get imag
    item itemsize mT max mdspan mean min nbytes ndim nonzero partition prod ptp put ravel real
    reduced_view repeat reshape round scatter_add scatter_max scatter_min searchsorted set shape
    size sort squeeze std strides sum swapaxes take toDlpack tobytes tofile tolist trace
    transpose var view
""".split())

RANDOM = frozenset("""
    BitGenerator MRG32k3a Philox4x3210 RandomState XORWOW annotations beta binomial bytes
    chisquare choice default_rng dirichlet exponential f gamma geometric get_random_state gumbel
    hypergeometric laplace logistic lognormal logseries multinomial multivariate_normal
    negative_binomial noncentral_chisquare noncentral_f normal pareto permutation poisson power
    rand randint randn random random_integers random_sample ranf rayleigh reset_states sample
    seed set_random_state shuffle standard_cauchy standard_exponential standard_gamma
    standard_normal standard_t triangular uniform vonmises wald weibull zipf
""".split())

LINALG = frozenset("""
    LinAlgError annotations cholesky cond cross det eig eigh eigvals eigvalsh inv lstsq matmul
    matrix_power matrix_rank matrix_transpose norm pinv qr slogdet solve svd tensorinv
    tensorsolve
""".split())
