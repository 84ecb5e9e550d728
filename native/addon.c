/* The module entry: each part adds its functions to the exports. */
#include "addon.h"

static napi_value init(napi_env env, napi_value exports) {
  ckpt_register_mmap(env, exports);
  ckpt_register_copy(env, exports);
  ckpt_register_regression_sums(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
