/* ckpt's native addon: one module, one file per job (mmap.c, copy.c, regression-sums.c), registered by addon.c. */
#ifndef CKPT_ADDON_H
#define CKPT_ADDON_H
#define NAPI_VERSION 8
#include <node_api.h>

void ckpt_register_mmap(napi_env env, napi_value exports);
void ckpt_register_copy(napi_env env, napi_value exports);
void ckpt_register_regression_sums(napi_env env, napi_value exports);

#endif
