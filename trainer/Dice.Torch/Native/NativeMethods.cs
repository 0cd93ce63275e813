using System.Runtime.InteropServices;

namespace Dice.Torch.Native;

/// <summary>P/Invoke declarations of native/torch-shim/dice_torch.cpp. Keep in step with that file.</summary>
internal static partial class NativeMethods
{
    internal const string Library = "dice_torch";

    static NativeMethods() => TorchNativeLibrary.RegisterResolver();

    [LibraryImport(Library)] internal static partial IntPtr dt_last_error();
    [LibraryImport(Library)] internal static partial IntPtr dt_torch_version();
    [LibraryImport(Library)] internal static partial long dt_live_tensors();
    [LibraryImport(Library)] internal static partial int dt_cuda_is_available();
    [LibraryImport(Library)] internal static partial int dt_cuda_device_count();
    [LibraryImport(Library)] internal static partial int dt_manual_seed(ulong seed);
    [LibraryImport(Library)] internal static partial int dt_is_grad_enabled();
    [LibraryImport(Library)] internal static partial int dt_set_grad_enabled(int enabled);
    [LibraryImport(Library)] internal static partial int dt_get_num_threads();
    [LibraryImport(Library)] internal static partial int dt_set_num_threads(int n);

    [LibraryImport(Library)] internal static partial int dt_free(IntPtr h);
    [LibraryImport(Library)] internal static partial long dt_ndim(IntPtr h);
    [LibraryImport(Library)] internal static unsafe partial int dt_shape(IntPtr h, long* shape);
    [LibraryImport(Library)] internal static partial int dt_dtype(IntPtr h);
    [LibraryImport(Library)] internal static partial int dt_device(IntPtr h, out int type, out int index);
    [LibraryImport(Library)] internal static partial int dt_requires_grad(IntPtr h);
    [LibraryImport(Library)] internal static partial int dt_set_requires_grad(IntPtr h, int requires);
    [LibraryImport(Library)] internal static partial int dt_grad(IntPtr h, out IntPtr grad);
    [LibraryImport(Library)] internal static partial int dt_clear_grad(IntPtr h);
    [LibraryImport(Library)] internal static partial int dt_backward(IntPtr h, IntPtr grad, int retainGraph);
    [LibraryImport(Library)] internal static partial int dt_item(IntPtr h, out double value);
    [LibraryImport(Library)] internal static partial int dt_equal(IntPtr a, IntPtr b, out int equal);
    [LibraryImport(Library)] internal static partial int dt_set_data(IntPtr h, IntPtr source);

    [LibraryImport(Library)] internal static unsafe partial IntPtr dt_from_data(void* data, int dtype, long* shape, int ndim, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static unsafe partial int dt_copy_to(IntPtr h, void* destination, long bytes);
    [LibraryImport(Library)] internal static unsafe partial IntPtr dt_full(long* shape, int ndim, double value, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial IntPtr dt_arange(double start, double end, double step, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial IntPtr dt_generator_new(ulong seed);
    [LibraryImport(Library)] internal static partial int dt_generator_free(IntPtr generator);
    [LibraryImport(Library)] internal static partial IntPtr dt_generator_get_state(IntPtr generator);
    [LibraryImport(Library)] internal static partial int dt_generator_set_state(IntPtr generator, IntPtr state);
    [LibraryImport(Library)] internal static unsafe partial IntPtr dt_random(int kind, long* shape, int ndim, IntPtr generator, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static unsafe partial IntPtr dt_randint(long low, long high, long* shape, int ndim, IntPtr generator, int deviceType, int deviceIndex);

    [LibraryImport(Library)] internal static partial IntPtr dt_to(IntPtr h, int dtype, int deviceType, int deviceIndex);
    [LibraryImport(Library)] internal static partial IntPtr dt_detach(IntPtr h);
    [LibraryImport(Library)] internal static partial IntPtr dt_clone(IntPtr h);
    [LibraryImport(Library)] internal static partial IntPtr dt_contiguous(IntPtr h);
    [LibraryImport(Library)] internal static partial IntPtr dt_alias(IntPtr h);
    [LibraryImport(Library)] internal static partial int dt_copy_(IntPtr destination, IntPtr source);
    [LibraryImport(Library)] internal static partial int dt_fill_(IntPtr h, double value);

    [LibraryImport(Library)] internal static partial IntPtr dt_unary(int op, IntPtr x);
    [LibraryImport(Library)] internal static partial IntPtr dt_binary(int op, IntPtr a, IntPtr b, double alpha);
    [LibraryImport(Library)] internal static partial IntPtr dt_binary_scalar(int op, IntPtr a, double s);
    [LibraryImport(Library)] internal static partial int dt_binary_(int op, IntPtr a, IntPtr b, double alpha);
    [LibraryImport(Library)] internal static partial int dt_binary_scalar_(int op, IntPtr a, double s);
    [LibraryImport(Library)] internal static partial int dt_addcmul_(IntPtr a, IntPtr b, IntPtr c, double value);
    [LibraryImport(Library)] internal static partial int dt_addcdiv_(IntPtr a, IntPtr b, IntPtr c, double value);
    [LibraryImport(Library)] internal static partial IntPtr dt_clamp(IntPtr x, double min, double max, int hasMin, int hasMax);
    [LibraryImport(Library)] internal static partial IntPtr dt_where(IntPtr condition, IntPtr a, IntPtr b);
    [LibraryImport(Library)] internal static partial IntPtr dt_masked_fill(IntPtr x, IntPtr mask, double value);
    [LibraryImport(Library)] internal static unsafe partial IntPtr dt_reduce(int op, IntPtr x, long* dims, int ndims, int keepdim);
    [LibraryImport(Library)] internal static partial IntPtr dt_argmax(IntPtr x, long dim, int keepdim);
    [LibraryImport(Library)] internal static partial IntPtr dt_triu(IntPtr x, long diagonal);
    [LibraryImport(Library)] internal static partial IntPtr dt_tril(IntPtr x, long diagonal);

    [LibraryImport(Library)] internal static unsafe partial IntPtr dt_reshape(IntPtr x, long* shape, int n);
    [LibraryImport(Library)] internal static unsafe partial IntPtr dt_permute(IntPtr x, long* order, int n);
    [LibraryImport(Library)] internal static partial IntPtr dt_transpose(IntPtr x, long dim0, long dim1);
    [LibraryImport(Library)] internal static partial IntPtr dt_unsqueeze(IntPtr x, long dim);
    [LibraryImport(Library)] internal static partial IntPtr dt_squeeze(IntPtr x, long dim);
    [LibraryImport(Library)] internal static partial IntPtr dt_flatten(IntPtr x, long start, long end);
    [LibraryImport(Library)] internal static unsafe partial IntPtr dt_expand(IntPtr x, long* shape, int n);
    [LibraryImport(Library)] internal static partial IntPtr dt_narrow(IntPtr x, long dim, long start, long length);
    [LibraryImport(Library)] internal static partial IntPtr dt_select(IntPtr x, long dim, long index);
    [LibraryImport(Library)] internal static partial IntPtr dt_index_select(IntPtr x, long dim, IntPtr index);
    [LibraryImport(Library)] internal static partial IntPtr dt_gather(IntPtr x, long dim, IntPtr index);
    [LibraryImport(Library)] internal static unsafe partial IntPtr dt_cat(IntPtr* xs, int n, long dim);
    [LibraryImport(Library)] internal static unsafe partial IntPtr dt_stack(IntPtr* xs, int n, long dim);
    [LibraryImport(Library)] internal static unsafe partial int dt_split(IntPtr x, long* sizes, int n, long dim, IntPtr* output);
    [LibraryImport(Library)] internal static unsafe partial IntPtr dt_pad(IntPtr x, long* pads, int n, double value);

    [LibraryImport(Library)] internal static partial IntPtr dt_matmul(IntPtr a, IntPtr b);
    [LibraryImport(Library)] internal static partial IntPtr dt_bmm(IntPtr a, IntPtr b);
    [LibraryImport(Library)] internal static partial IntPtr dt_linear(IntPtr x, IntPtr weight, IntPtr bias);
    [LibraryImport(Library)] internal static unsafe partial IntPtr dt_conv2d(IntPtr x, IntPtr weight, IntPtr bias, long* stride, long* padding, long* dilation, long groups);
    [LibraryImport(Library)] internal static partial IntPtr dt_group_norm(IntPtr x, long groups, IntPtr weight, IntPtr bias, double eps);
    [LibraryImport(Library)] internal static unsafe partial IntPtr dt_layer_norm(IntPtr x, long* shape, int n, IntPtr weight, IntPtr bias, double eps);
    [LibraryImport(Library)] internal static partial IntPtr dt_softmax(IntPtr x, long dim);
    [LibraryImport(Library)] internal static partial IntPtr dt_log_softmax(IntPtr x, long dim);
    [LibraryImport(Library)] internal static partial IntPtr dt_embedding(IntPtr weight, IntPtr ids);
    [LibraryImport(Library)] internal static partial IntPtr dt_upsample_nearest2d(IntPtr x, long outHeight, long outWidth);
    [LibraryImport(Library)] internal static partial IntPtr dt_scaled_dot_product_attention(IntPtr q, IntPtr k, IntPtr v, IntPtr mask, int isCausal, double scale);
}
