using Dice.Torch.Native;

namespace Dice.Torch;

public static partial class torch
{
    /// <summary>A seeded CPU random-number generator; its state can be saved and restored (exact resume).</summary>
    public sealed class Generator : IDisposable
    {
        private IntPtr handle;

        public Generator(ulong seed)
        {
            handle = Check.Handle(NativeMethods.dt_generator_new(seed));
        }

        ~Generator() => Free();

        internal IntPtr Handle => handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(Generator));

        /// <summary>The generator's whole state as a uint8 tensor.</summary>
        public Tensor get_state() => new(Check.Handle(NativeMethods.dt_generator_get_state(Handle)));

        public void set_state(Tensor state) => Check.Status(NativeMethods.dt_generator_set_state(Handle, Require(state).Handle));

        public void Dispose()
        {
            Free();
            GC.SuppressFinalize(this);
        }

        private void Free()
        {
            var h = Interlocked.Exchange(ref handle, IntPtr.Zero);
            if (h != IntPtr.Zero)
            {
                NativeMethods.dt_generator_free(h);
            }
        }
    }
}
