// dice_torch: a thin C ABI over libtorch's ATen, called from .NET through P/Invoke (trainer/Dice.Torch).
//
// Rules of the ABI:
//  - A tensor crosses the boundary as an opaque handle (a heap-allocated at::Tensor). Every handle is
//    recorded in a registry, so a stale or doubly-freed handle is reported as an error, never undefined
//    behaviour.
//  - No C++ exception ever leaves a function. Functions returning a handle return NULL on error; functions
//    returning int return 0 on success and non-zero on error. dt_last_error() then holds the message
//    (thread-local).
//  - Only long-stable ATen calls are used, so the same source builds against Debian's libtorch 1.13 (CPU)
//    and PyTorch 2.x's libtorch (CUDA). Newer calls are guarded by TORCH_VERSION_MAJOR.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

#define DT_API extern "C" __attribute__((visibility("default")))

typedef void* dt_tensor;
typedef void* dt_generator;

namespace {

thread_local std::string g_last_error;

std::mutex g_registry_mutex;
std::unordered_set<const void*> g_tensors;
std::unordered_set<const void*> g_generators;

void set_error(const char* message) { g_last_error = message ? message : "unknown native error"; }

dt_tensor wrap(at::Tensor t) {
    auto* p = new at::Tensor(std::move(t));
    std::lock_guard<std::mutex> lock(g_registry_mutex);
    g_tensors.insert(p);
    return p;
}

// Looks a handle up in its registry: a stale or foreign handle is an error, never a dereference.
template <class V>
V& live(void* h, const std::unordered_set<const void*>& registry, const char* what) {
    if (h == nullptr) throw std::invalid_argument(std::string("null ") + what + " handle");
    std::lock_guard<std::mutex> lock(g_registry_mutex);
    if (registry.find(h) == registry.end())
        throw std::invalid_argument(std::string(what) +
                                    " handle is not live (it was freed already, or never created here)");
    return *static_cast<V*>(h);
}

at::Tensor& T(dt_tensor h) { return live<at::Tensor>(h, g_tensors, "tensor"); }

// Optional tensor argument: NULL means "none".
c10::optional<at::Tensor> opt(dt_tensor h) {
    if (h == nullptr) return c10::nullopt;
    return T(h);
}

at::Generator& G(dt_generator h) { return live<at::Generator>(h, g_generators, "generator"); }

at::IntArrayRef dims(const int64_t* p, int n) {
    if (n < 0) throw std::invalid_argument("negative dimension count");
    return at::IntArrayRef(p, static_cast<size_t>(n));
}

at::ScalarType scalar_type(int code) {
    switch (code) {
        case 0: return at::kByte;
        case 1: return at::kChar;
        case 2: return at::kShort;
        case 3: return at::kInt;
        case 4: return at::kLong;
        case 5: return at::kHalf;
        case 6: return at::kFloat;
        case 7: return at::kDouble;
        case 11: return at::kBool;
        case 15: return at::kBFloat16;
        default: throw std::invalid_argument("unsupported dtype code " + std::to_string(code));
    }
}

at::Device device(int type, int index) {
    switch (type) {
        case 0: return at::Device(at::kCPU);
        case 1:
            if (!torch::cuda::is_available())
                throw std::runtime_error("CUDA was asked for, but this libtorch has no usable CUDA device");
            return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index < 0 ? 0 : index));
        default: throw std::invalid_argument("unsupported device type " + std::to_string(type));
    }
}

at::TensorOptions options(int dtype, int device_type, int device_index) {
    return at::TensorOptions().dtype(scalar_type(dtype)).device(device(device_type, device_index));
}

template <class F>
dt_tensor guard_tensor(F&& f) {
    try {
        return wrap(f());
    } catch (const c10::Error& e) {
        set_error(e.what_without_backtrace());
    } catch (const std::exception& e) {
        set_error(e.what());
    } catch (...) {
        set_error("unknown native error");
    }
    return nullptr;
}

template <class F>
int guard_status(F&& f) {
    try {
        f();
        return 0;
    } catch (const c10::Error& e) {
        set_error(e.what_without_backtrace());
    } catch (const std::exception& e) {
        set_error(e.what());
    } catch (...) {
        set_error("unknown native error");
    }
    return 1;
}

// Operation codes shared with the C# side (Dice.Torch.Native.UnaryOp / BinaryOp / ReduceOp).
enum UnaryOp {
    U_NEG = 0, U_EXP, U_LOG, U_SQRT, U_RSQRT, U_ABS, U_SIGMOID, U_TANH, U_RELU, U_SILU,
    U_GELU, U_GELU_TANH, U_SIN, U_COS, U_SQUARE, U_RECIPROCAL, U_ERF, U_LOGICAL_NOT, U_FLOOR, U_SIGN
};

at::Tensor unary(int op, const at::Tensor& x) {
    switch (op) {
        case U_NEG: return at::neg(x);
        case U_EXP: return at::exp(x);
        case U_LOG: return at::log(x);
        case U_SQRT: return at::sqrt(x);
        case U_RSQRT: return at::rsqrt(x);
        case U_ABS: return at::abs(x);
        case U_SIGMOID: return at::sigmoid(x);
        case U_TANH: return at::tanh(x);
        case U_RELU: return at::relu(x);
        case U_SILU: return at::silu(x);
        case U_GELU: return at::gelu(x, "none");
        case U_GELU_TANH: return at::gelu(x, "tanh");
        case U_SIN: return at::sin(x);
        case U_COS: return at::cos(x);
        case U_SQUARE: return at::square(x);
        case U_RECIPROCAL: return at::reciprocal(x);
        case U_ERF: return at::erf(x);
        case U_LOGICAL_NOT: return at::logical_not(x);
        case U_FLOOR: return at::floor(x);
        case U_SIGN: return at::sign(x);
        default: throw std::invalid_argument("unknown unary op " + std::to_string(op));
    }
}

enum BinaryOp {
    B_ADD = 0, B_SUB, B_MUL, B_DIV, B_POW, B_MAXIMUM, B_MINIMUM, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE,
    B_LOGICAL_AND, B_LOGICAL_OR
};

at::Tensor binary(int op, const at::Tensor& a, const at::Tensor& b, double alpha) {
    switch (op) {
        case B_ADD: return at::add(a, b, alpha);
        case B_SUB: return at::sub(a, b, alpha);
        case B_MUL: return at::mul(a, b);
        case B_DIV: return at::div(a, b);
        case B_POW: return at::pow(a, b);
        case B_MAXIMUM: return at::maximum(a, b);
        case B_MINIMUM: return at::minimum(a, b);
        case B_EQ: return at::eq(a, b);
        case B_NE: return at::ne(a, b);
        case B_LT: return at::lt(a, b);
        case B_LE: return at::le(a, b);
        case B_GT: return at::gt(a, b);
        case B_GE: return at::ge(a, b);
        case B_LOGICAL_AND: return at::logical_and(a, b);
        case B_LOGICAL_OR: return at::logical_or(a, b);
        default: throw std::invalid_argument("unknown binary op " + std::to_string(op));
    }
}

at::Tensor binary_scalar(int op, const at::Tensor& a, double s) {
    at::Scalar v(s);
    switch (op) {
        case B_ADD: return at::add(a, v);
        case B_SUB: return at::sub(a, v);
        case B_MUL: return at::mul(a, v);
        case B_DIV: return at::div(a, v);
        case B_POW: return at::pow(a, v);
        case B_MAXIMUM: return at::clamp_min(a, v);
        case B_MINIMUM: return at::clamp_max(a, v);
        case B_EQ: return at::eq(a, v);
        case B_NE: return at::ne(a, v);
        case B_LT: return at::lt(a, v);
        case B_LE: return at::le(a, v);
        case B_GT: return at::gt(a, v);
        case B_GE: return at::ge(a, v);
        default: throw std::invalid_argument("binary op " + std::to_string(op) + " has no scalar form");
    }
}

void binary_inplace(int op, at::Tensor& a, const at::Tensor& b, double alpha) {
    switch (op) {
        case B_ADD: a.add_(b, alpha); return;
        case B_SUB: a.sub_(b, alpha); return;
        case B_MUL: a.mul_(b); return;
        case B_DIV: a.div_(b); return;
        case B_POW: a.pow_(b); return;
        default: throw std::invalid_argument("binary op " + std::to_string(op) + " has no in-place form");
    }
}

void binary_scalar_inplace(int op, at::Tensor& a, double s) {
    at::Scalar v(s);
    switch (op) {
        case B_ADD: a.add_(v); return;
        case B_SUB: a.sub_(v); return;
        case B_MUL: a.mul_(v); return;
        case B_DIV: a.div_(v); return;
        case B_POW: a.pow_(v); return;
        default: throw std::invalid_argument("binary op " + std::to_string(op) + " has no in-place scalar form");
    }
}

enum ReduceOp { R_SUM = 0, R_MEAN, R_AMAX, R_AMIN };

at::Tensor reduce(int op, const at::Tensor& x, at::IntArrayRef d, bool keepdim) {
    // No dims means every dim.
    std::vector<int64_t> every;
    if (d.empty()) {
        for (int64_t i = 0; i < x.dim(); ++i) every.push_back(i);
        d = every;
    }
    switch (op) {
        case R_SUM: return x.sum(d, keepdim);
        case R_MEAN: return x.mean(d, keepdim);
        case R_AMAX: return at::amax(x, d, keepdim);
        case R_AMIN: return at::amin(x, d, keepdim);
        default: throw std::invalid_argument("unknown reduction " + std::to_string(op));
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// Library, errors, global state
// ---------------------------------------------------------------------------------------------------------

DT_API const char* dt_last_error(void) { return g_last_error.c_str(); }

DT_API const char* dt_torch_version(void) {
    static const std::string v = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) +
                                 "." + std::to_string(TORCH_VERSION_PATCH);
    return v.c_str();
}

DT_API int64_t dt_live_tensors(void) {
    std::lock_guard<std::mutex> lock(g_registry_mutex);
    return static_cast<int64_t>(g_tensors.size());
}

DT_API int dt_cuda_is_available(void) {
    try {
        return torch::cuda::is_available() ? 1 : 0;
    } catch (...) {
        return 0;
    }
}

DT_API int dt_cuda_device_count(void) {
    try {
        return static_cast<int>(torch::cuda::device_count());
    } catch (...) {
        return 0;
    }
}

DT_API int dt_manual_seed(uint64_t seed) {
    return guard_status([&] { at::manual_seed(seed); });
}

DT_API int dt_is_grad_enabled(void) { return c10::GradMode::is_enabled() ? 1 : 0; }

DT_API int dt_set_grad_enabled(int enabled) {
    return guard_status([&] { c10::GradMode::set_enabled(enabled != 0); });
}

DT_API int dt_get_num_threads(void) { return at::get_num_threads(); }

DT_API int dt_set_num_threads(int n) {
    return guard_status([&] {
        if (n <= 0) throw std::invalid_argument("thread count must be positive");
        at::set_num_threads(n);
    });
}

// ---------------------------------------------------------------------------------------------------------
// Tensor lifetime and properties
// ---------------------------------------------------------------------------------------------------------

DT_API int dt_free(dt_tensor h) {
    return guard_status([&] {
        if (h == nullptr) throw std::invalid_argument("null tensor handle");
        {
            std::lock_guard<std::mutex> lock(g_registry_mutex);
            if (g_tensors.erase(h) == 0)
                throw std::invalid_argument("tensor handle is not live (it was freed already, or never created here)");
        }
        delete static_cast<at::Tensor*>(h);
    });
}

DT_API int64_t dt_ndim(dt_tensor h) {
    int64_t n = -1;
    guard_status([&] { n = T(h).dim(); });
    return n;
}

DT_API int dt_shape(dt_tensor h, int64_t* out) {
    return guard_status([&] {
        auto s = T(h).sizes();
        std::copy(s.begin(), s.end(), out);
    });
}

DT_API int dt_dtype(dt_tensor h) {
    int code = -1;
    guard_status([&] { code = static_cast<int>(T(h).scalar_type()); });
    return code;
}

DT_API int dt_device(dt_tensor h, int* type, int* index) {
    return guard_status([&] {
        auto d = T(h).device();
        *type = d.is_cuda() ? 1 : 0;
        *index = d.has_index() ? d.index() : -1;
    });
}

DT_API int dt_requires_grad(dt_tensor h) {
    int r = -1;
    guard_status([&] { r = T(h).requires_grad() ? 1 : 0; });
    return r;
}

DT_API int dt_set_requires_grad(dt_tensor h, int requires) {
    return guard_status([&] { T(h).requires_grad_(requires != 0); });
}

// *out receives a new handle to the gradient, or NULL when the tensor has none.
DT_API int dt_grad(dt_tensor h, dt_tensor* out) {
    return guard_status([&] {
        const at::Tensor& g = T(h).grad();
        *out = g.defined() ? wrap(g) : nullptr;
    });
}

DT_API int dt_clear_grad(dt_tensor h) {
    return guard_status([&] { T(h).mutable_grad().reset(); });
}

DT_API int dt_backward(dt_tensor h, dt_tensor grad, int retain_graph) {
    return guard_status([&] {
        at::Tensor& t = T(h);
        at::Tensor g = grad ? T(grad) : at::Tensor();
        t.backward(g, retain_graph != 0 ? c10::optional<bool>(true) : c10::nullopt, false);
    });
}

// Replaces h's data with source's (same identity, same autograd leaf): how a module moves its parameters.
DT_API int dt_set_data(dt_tensor h, dt_tensor source) {
    return guard_status([&] { T(h).set_data(T(source)); });
}

DT_API int dt_item(dt_tensor h, double* out) {
    return guard_status([&] { *out = T(h).item<double>(); });
}

DT_API int dt_equal(dt_tensor a, dt_tensor b, int* out) {
    return guard_status([&] { *out = at::equal(T(a), T(b)) ? 1 : 0; });
}

// ---------------------------------------------------------------------------------------------------------
// Creation and data transfer
// ---------------------------------------------------------------------------------------------------------

DT_API dt_tensor dt_from_data(const void* data, int dtype, const int64_t* shape, int ndim, int device_type,
                              int device_index) {
    return guard_tensor([&] {
        auto cpu = at::TensorOptions().dtype(scalar_type(dtype));
        at::Tensor t = at::from_blob(const_cast<void*>(data), dims(shape, ndim), cpu).clone();
        return device_type == 0 ? t : t.to(device(device_type, device_index));
    });
}

// Copies the tensor's elements (row-major, its own dtype) into dst, which holds nbytes.
DT_API int dt_copy_to(dt_tensor h, void* dst, int64_t nbytes) {
    return guard_status([&] {
        at::Tensor t = T(h).detach().to(at::kCPU).contiguous();
        const int64_t need = static_cast<int64_t>(t.numel() * t.element_size());
        if (need != nbytes)
            throw std::invalid_argument("destination holds " + std::to_string(nbytes) + " bytes, tensor has " +
                                        std::to_string(need));
        if (need > 0) std::memcpy(dst, t.data_ptr(), static_cast<size_t>(need));
    });
}

DT_API dt_tensor dt_full(const int64_t* shape, int ndim, double value, int dtype, int device_type, int device_index) {
    return guard_tensor([&] { return at::full(dims(shape, ndim), value, options(dtype, device_type, device_index)); });
}

DT_API dt_tensor dt_arange(double start, double end, double step, int dtype, int device_type, int device_index) {
    return guard_tensor([&] { return at::arange(start, end, step, options(dtype, device_type, device_index)); });
}

DT_API dt_generator dt_generator_new(uint64_t seed) {
    try {
        auto* g = new at::Generator(at::detail::createCPUGenerator(seed));
        std::lock_guard<std::mutex> lock(g_registry_mutex);
        g_generators.insert(g);
        return g;
    } catch (const std::exception& e) {
        set_error(e.what());
    }
    return nullptr;
}

DT_API int dt_generator_free(dt_generator h) {
    return guard_status([&] {
        if (h == nullptr) throw std::invalid_argument("null generator handle");
        {
            std::lock_guard<std::mutex> lock(g_registry_mutex);
            if (g_generators.erase(h) == 0) throw std::invalid_argument("generator handle is not live");
        }
        delete static_cast<at::Generator*>(h);
    });
}

DT_API dt_tensor dt_generator_get_state(dt_generator g) {
    return guard_tensor([&] { return G(g).get_state(); });
}

DT_API int dt_generator_set_state(dt_generator g, dt_tensor state) {
    return guard_status([&] { G(g).set_state(T(state)); });
}

// Random tensors. With a generator, numbers are drawn on the CPU and then moved, so a seed gives the same
// values on every device. kind: 0 = normal(0, 1), 1 = uniform [0, 1).
DT_API dt_tensor dt_random(int kind, const int64_t* shape, int ndim, dt_generator gen, int dtype, int device_type,
                           int device_index) {
    return guard_tensor([&] {
        auto target = options(dtype, device_type, device_index);
        if (gen == nullptr) {
            return kind == 0 ? at::randn(dims(shape, ndim), target) : at::rand(dims(shape, ndim), target);
        }
        auto cpu = at::TensorOptions().dtype(at::kFloat);
        at::Generator& g = G(gen);
        at::Tensor t = kind == 0 ? at::randn(dims(shape, ndim), g, cpu) : at::rand(dims(shape, ndim), g, cpu);
        return t.to(target.device(), target.dtype().toScalarType());
    });
}

DT_API dt_tensor dt_randint(int64_t low, int64_t high, const int64_t* shape, int ndim, dt_generator gen,
                            int device_type, int device_index) {
    return guard_tensor([&] {
        auto cpu = at::TensorOptions().dtype(at::kLong);
        at::Tensor t = gen == nullptr ? at::randint(low, high, dims(shape, ndim), cpu)
                                      : at::randint(low, high, dims(shape, ndim), G(gen), cpu);
        return device_type == 0 ? t : t.to(device(device_type, device_index));
    });
}

// ---------------------------------------------------------------------------------------------------------
// Conversion and copies
// ---------------------------------------------------------------------------------------------------------

// dtype < 0 keeps the dtype; device_type < 0 keeps the device.
DT_API dt_tensor dt_to(dt_tensor h, int dtype, int device_type, int device_index) {
    return guard_tensor([&] {
        const at::Tensor& t = T(h);
        auto dev = device_type < 0 ? t.device() : device(device_type, device_index);
        auto st = dtype < 0 ? t.scalar_type() : scalar_type(dtype);
        return t.to(dev, st);
    });
}

DT_API dt_tensor dt_detach(dt_tensor h) { return guard_tensor([&] { return T(h).detach(); }); }
DT_API dt_tensor dt_clone(dt_tensor h) { return guard_tensor([&] { return T(h).clone(); }); }
DT_API dt_tensor dt_contiguous(dt_tensor h) { return guard_tensor([&] { return T(h).contiguous(); }); }
DT_API dt_tensor dt_alias(dt_tensor h) { return guard_tensor([&] { return T(h); }); }

DT_API int dt_copy_(dt_tensor dst, dt_tensor src) {
    return guard_status([&] { T(dst).copy_(T(src)); });
}

DT_API int dt_fill_(dt_tensor h, double value) {
    return guard_status([&] { T(h).fill_(value); });
}

// ---------------------------------------------------------------------------------------------------------
// Elementwise arithmetic (broadcasting) and reductions
// ---------------------------------------------------------------------------------------------------------

DT_API dt_tensor dt_unary(int op, dt_tensor x) { return guard_tensor([&] { return unary(op, T(x)); }); }

DT_API dt_tensor dt_binary(int op, dt_tensor a, dt_tensor b, double alpha) {
    return guard_tensor([&] { return binary(op, T(a), T(b), alpha); });
}

DT_API dt_tensor dt_binary_scalar(int op, dt_tensor a, double s) {
    return guard_tensor([&] { return binary_scalar(op, T(a), s); });
}

DT_API int dt_binary_(int op, dt_tensor a, dt_tensor b, double alpha) {
    return guard_status([&] { binary_inplace(op, T(a), T(b), alpha); });
}

DT_API int dt_binary_scalar_(int op, dt_tensor a, double s) {
    return guard_status([&] { binary_scalar_inplace(op, T(a), s); });
}

DT_API int dt_addcmul_(dt_tensor a, dt_tensor b, dt_tensor c, double value) {
    return guard_status([&] { T(a).addcmul_(T(b), T(c), value); });
}

DT_API int dt_addcdiv_(dt_tensor a, dt_tensor b, dt_tensor c, double value) {
    return guard_status([&] { T(a).addcdiv_(T(b), T(c), value); });
}

DT_API dt_tensor dt_clamp(dt_tensor x, double min, double max, int has_min, int has_max) {
    return guard_tensor([&] {
        c10::optional<at::Scalar> lo = has_min ? c10::optional<at::Scalar>(min) : c10::nullopt;
        c10::optional<at::Scalar> hi = has_max ? c10::optional<at::Scalar>(max) : c10::nullopt;
        return at::clamp(T(x), lo, hi);
    });
}

DT_API dt_tensor dt_where(dt_tensor cond, dt_tensor a, dt_tensor b) {
    return guard_tensor([&] { return at::where(T(cond), T(a), T(b)); });
}

DT_API dt_tensor dt_masked_fill(dt_tensor x, dt_tensor mask, double value) {
    return guard_tensor([&] { return T(x).masked_fill(T(mask), value); });
}

DT_API dt_tensor dt_reduce(int op, dt_tensor x, const int64_t* d, int n, int keepdim) {
    return guard_tensor([&] { return reduce(op, T(x), dims(d, n), keepdim != 0); });
}

DT_API dt_tensor dt_argmax(dt_tensor x, int64_t dim, int keepdim) {
    return guard_tensor([&] { return at::argmax(T(x), dim, keepdim != 0); });
}

DT_API dt_tensor dt_triu(dt_tensor x, int64_t diagonal) { return guard_tensor([&] { return at::triu(T(x), diagonal); }); }
DT_API dt_tensor dt_tril(dt_tensor x, int64_t diagonal) { return guard_tensor([&] { return at::tril(T(x), diagonal); }); }

// ---------------------------------------------------------------------------------------------------------
// Shapes and indexing
// ---------------------------------------------------------------------------------------------------------

DT_API dt_tensor dt_reshape(dt_tensor x, const int64_t* shape, int n) {
    return guard_tensor([&] { return T(x).reshape(dims(shape, n)); });
}

DT_API dt_tensor dt_permute(dt_tensor x, const int64_t* order, int n) {
    return guard_tensor([&] { return T(x).permute(dims(order, n)); });
}

DT_API dt_tensor dt_transpose(dt_tensor x, int64_t d0, int64_t d1) {
    return guard_tensor([&] { return T(x).transpose(d0, d1); });
}

DT_API dt_tensor dt_unsqueeze(dt_tensor x, int64_t dim) { return guard_tensor([&] { return T(x).unsqueeze(dim); }); }
DT_API dt_tensor dt_squeeze(dt_tensor x, int64_t dim) { return guard_tensor([&] { return T(x).squeeze(dim); }); }

DT_API dt_tensor dt_flatten(dt_tensor x, int64_t start, int64_t end) {
    return guard_tensor([&] { return T(x).flatten(start, end); });
}

DT_API dt_tensor dt_expand(dt_tensor x, const int64_t* shape, int n) {
    return guard_tensor([&] { return T(x).expand(dims(shape, n)); });
}

DT_API dt_tensor dt_narrow(dt_tensor x, int64_t dim, int64_t start, int64_t length) {
    return guard_tensor([&] { return T(x).narrow(dim, start, length); });
}

DT_API dt_tensor dt_select(dt_tensor x, int64_t dim, int64_t index) {
    return guard_tensor([&] { return T(x).select(dim, index); });
}

DT_API dt_tensor dt_index_select(dt_tensor x, int64_t dim, dt_tensor index) {
    return guard_tensor([&] { return at::index_select(T(x), dim, T(index)); });
}

DT_API dt_tensor dt_gather(dt_tensor x, int64_t dim, dt_tensor index) {
    return guard_tensor([&] { return at::gather(T(x), dim, T(index)); });
}

DT_API dt_tensor dt_cat(const dt_tensor* xs, int n, int64_t dim) {
    return guard_tensor([&] {
        std::vector<at::Tensor> v;
        v.reserve(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) v.push_back(T(xs[i]));
        return at::cat(v, dim);
    });
}

DT_API dt_tensor dt_stack(const dt_tensor* xs, int n, int64_t dim) {
    return guard_tensor([&] {
        std::vector<at::Tensor> v;
        v.reserve(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) v.push_back(T(xs[i]));
        return at::stack(v, dim);
    });
}

// Splits x along dim into pieces of the given sizes; out receives n handles.
DT_API int dt_split(dt_tensor x, const int64_t* sizes, int n, int64_t dim, dt_tensor* out) {
    return guard_status([&] {
        auto parts = at::split_with_sizes(T(x), dims(sizes, n), dim);
        std::vector<dt_tensor> made;
        for (auto& p : parts) made.push_back(wrap(p));
        std::copy(made.begin(), made.end(), out);
    });
}

DT_API dt_tensor dt_pad(dt_tensor x, const int64_t* pads, int n, double value) {
    return guard_tensor([&] { return at::constant_pad_nd(T(x), dims(pads, n), value); });
}

// ---------------------------------------------------------------------------------------------------------
// Neural-network operations
// ---------------------------------------------------------------------------------------------------------

DT_API dt_tensor dt_matmul(dt_tensor a, dt_tensor b) { return guard_tensor([&] { return at::matmul(T(a), T(b)); }); }
DT_API dt_tensor dt_bmm(dt_tensor a, dt_tensor b) { return guard_tensor([&] { return at::bmm(T(a), T(b)); }); }

DT_API dt_tensor dt_linear(dt_tensor x, dt_tensor w, dt_tensor b) {
    return guard_tensor([&] { return at::linear(T(x), T(w), opt(b)); });
}

DT_API dt_tensor dt_conv2d(dt_tensor x, dt_tensor w, dt_tensor b, const int64_t* stride, const int64_t* padding,
                           const int64_t* dilation, int64_t groups) {
    return guard_tensor([&] {
        return at::conv2d(T(x), T(w), opt(b), dims(stride, 2), dims(padding, 2), dims(dilation, 2), groups);
    });
}

DT_API dt_tensor dt_group_norm(dt_tensor x, int64_t groups, dt_tensor w, dt_tensor b, double eps) {
    return guard_tensor([&] { return at::group_norm(T(x), groups, opt(w), opt(b), eps); });
}

DT_API dt_tensor dt_layer_norm(dt_tensor x, const int64_t* shape, int n, dt_tensor w, dt_tensor b, double eps) {
    return guard_tensor([&] { return at::layer_norm(T(x), dims(shape, n), opt(w), opt(b), eps); });
}

DT_API dt_tensor dt_softmax(dt_tensor x, int64_t dim) { return guard_tensor([&] { return at::softmax(T(x), dim); }); }

DT_API dt_tensor dt_log_softmax(dt_tensor x, int64_t dim) {
    return guard_tensor([&] { return at::log_softmax(T(x), dim); });
}

DT_API dt_tensor dt_embedding(dt_tensor weight, dt_tensor ids) {
    return guard_tensor([&] { return at::embedding(T(weight), T(ids)); });
}

DT_API dt_tensor dt_upsample_nearest2d(dt_tensor x, int64_t out_h, int64_t out_w) {
    return guard_tensor([&] {
        const std::vector<int64_t> size{out_h, out_w};
        return at::upsample_nearest2d(T(x), size, c10::nullopt, c10::nullopt);
    });
}

// softmax(q·kᵀ·scale + mask)·v over the last two dims. mask: bool (true = attend) or additive float, NULL
// for none. scale <= 0 means 1/sqrt(head dim). On libtorch 2.x the fused kernel is used.
DT_API dt_tensor dt_scaled_dot_product_attention(dt_tensor q, dt_tensor k, dt_tensor v, dt_tensor mask,
                                                 int is_causal, double scale) {
    return guard_tensor([&] {
        const at::Tensor& Q = T(q);
        const at::Tensor& K = T(k);
        const at::Tensor& V = T(v);
        const double s = scale > 0 ? scale : 1.0 / std::sqrt(static_cast<double>(Q.size(-1)));
#if TORCH_VERSION_MAJOR >= 2 && !defined(DICE_PLAIN_ATTENTION)
        return at::scaled_dot_product_attention(Q, K, V, opt(mask), 0.0, is_causal != 0, s);
#else
        at::Tensor scores = at::matmul(Q, K.transpose(-2, -1)) * s;
        if (is_causal) {
            const int64_t L = Q.size(-2), S = K.size(-2);
            auto keep = at::ones({L, S}, Q.options().dtype(at::kBool)).tril();
            scores = scores.masked_fill(keep.logical_not(), -std::numeric_limits<double>::infinity());
        }
        if (mask) {
            const at::Tensor& M = T(mask);
            scores = M.scalar_type() == at::kBool
                         ? scores.masked_fill(M.logical_not(), -std::numeric_limits<double>::infinity())
                         : scores + M;
        }
        return at::matmul(at::softmax(scores, -1), V);
#endif
    });
}
