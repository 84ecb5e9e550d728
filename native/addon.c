/* The module entry: each part adds its functions to the exports; and the helpers they share. */
#include "addon.h"
#include <pthread.h>

int ckpt_typed_array(napi_env env, napi_value v, napi_typedarray_type type, void **data, size_t *length) {
  bool is_typed = false;
  napi_typedarray_type actual;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) return 0;
  return napi_get_typedarray_info(env, v, &actual, length, data, NULL, NULL) == napi_ok && actual == type;
}

void ckpt_export(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn);
  napi_set_named_property(env, exports, name, fn);
}

void ckpt_run_parallel(void *(*fn)(void *), void *items, size_t item_size, unsigned count) {
  pthread_t ids[CKPT_MAX_THREADS];
  int started[CKPT_MAX_THREADS] = {0};
  char *base = items;
  if (count > CKPT_MAX_THREADS) count = CKPT_MAX_THREADS;
  for (unsigned t = 1; t < count; t++) started[t] = pthread_create(&ids[t], NULL, fn, base + t * item_size) == 0;
  if (count > 0) fn(base);
  for (unsigned t = 1; t < count; t++) {
    if (started[t]) pthread_join(ids[t], NULL);
    else fn(base + t * item_size); /* no thread to spare: do its share here */
  }
}

static napi_value init(napi_env env, napi_value exports) {
  ckpt_register_mmap(env, exports);
  ckpt_register_copy(env, exports);
  ckpt_register_regression_sums(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
