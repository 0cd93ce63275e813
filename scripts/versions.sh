# Pinned versions of what scripts/setup.sh installs from registries.
ORT_NPM_PACKAGE=com.github.asus4.onnxruntime
ORT_NPM_VERSION=0.4.9          # ONNX Runtime 1.29.0
ORT_NPM_SHA512=064cf176e499f4891e0cfe90f25cf64c553689eee1492bd2ed921fccca28131a2ad02373267bae19a509ec8b288c182a3b8a2e0f58d76a1f0e63225b08ddbd16
ORT_GPU_NPM_PACKAGE=com.github.asus4.onnxruntime.linux-x64-gpu
ORT_GPU_NPM_VERSION=0.4.9      # CUDA 13 execution provider for ONNX Runtime 1.29.0
ORT_GPU_NPM_SHA512=168a4884d13f360fafd97eb9c1573d7253c2042be1bc0e771f1a3653429fe5f19d56c0bb88203e999d0a2d6820710023ed3219ea9362751e000b5d20ef85e8eb
