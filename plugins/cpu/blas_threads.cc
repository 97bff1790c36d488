// OpenBLAS runs single-threaded inside the CPU plugin: parallel work goes
// through the plugin's own pool (parallel.cc), which splits big products
// itself (ParallelGemm in blas.h).
//
// Rationale: OpenBLAS's pthreads spin after every product.  Interleaved with
// the pool's threads -- im2col, gemm, col2im per image in a convolution --
// the two pools fought over the cores: on a loaded 2-core machine a
// (32, 64, 56, 56) 3x3 convolution took 0.4-0.8 s forward and 0.5-2 s
// backward with OpenBLAS's threads, 0.08 s and 0.17 s without them.  The
// same reason made parallel.cc replace OpenMP.  A user's explicit
// OPENBLAS_NUM_THREADS is left alone.
#include <cblas.h>

#include <cstdlib>

#include "kernel_util.h"

namespace mx_cpu {

// Runs in mx_plugin_init, before any kernel can call BLAS.
MX_CPU_KERNELS(blas_threads) {
  if (!std::getenv("OPENBLAS_NUM_THREADS")) scipy_openblas_set_num_threads(1);
  return 0;
}

}  // namespace mx_cpu
