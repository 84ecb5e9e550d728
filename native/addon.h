/* ckpt's native addon: one module, one file per job (mmap.c, copy.c, regression-sums.c), registered by addon.c. */
#ifndef CKPT_ADDON_H
#define CKPT_ADDON_H
#define NAPI_VERSION 8
#include <node_api.h>

#include <stddef.h>

/* Most threads one call fans out to (the calling one included). */
#define CKPT_MAX_THREADS 16

/* The data and element count of v if it is a typed array of this type; else 0. */
int ckpt_typed_array(napi_env env, napi_value v, napi_typedarray_type type, void **data, size_t *length);
/* Sets exports[name] to a function calling cb. */
void ckpt_export(napi_env env, napi_value exports, const char *name, napi_callback cb);
/* Runs fn on each of `count` items (item i at items + i * item_size): item 0 on the calling thread,
 * the others on threads of their own (count is capped at CKPT_MAX_THREADS); an item whose thread
 * cannot start runs on the calling thread. Returns when all are done. */
void ckpt_run_parallel(void *(*fn)(void *), void *items, size_t item_size, unsigned count);

void ckpt_register_mmap(napi_env env, napi_value exports);
void ckpt_register_copy(napi_env env, napi_value exports);
void ckpt_register_regression_sums(napi_env env, napi_value exports);

#endif
