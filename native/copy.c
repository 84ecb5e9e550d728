/*
 * Parallel copies for snapshots: copy(pairs, threads) copies each [dst, src] pair of Uint8Arrays
 * (equal lengths), splitting the total bytes evenly over `threads` threads (the calling one
 * included). One core cannot saturate memory bandwidth, so two cores copy a 256 MiB snapshot in
 * about half the time, and a background save blocks training for that much less. JavaScript does
 * not run during the call, and ArrayBuffer memory never moves, so the threads may touch it.
 */
#include "addon.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  uint8_t *dst;
  const uint8_t *src;
  size_t length;
} region;

typedef struct {
  const region *regions;
  size_t count;
  size_t from; /* byte offset into the concatenation of all regions */
  size_t to;
} share;

static void *copy_share(void *arg) {
  const share *s = arg;
  size_t base = 0;
  for (size_t i = 0; i < s->count && base < s->to; i++) {
    const region *r = &s->regions[i];
    size_t lo = s->from > base ? s->from - base : 0;
    size_t hi = s->to - base < r->length ? s->to - base : r->length;
    if (lo < hi) memcpy(r->dst + lo, r->src + lo, hi - lo);
    base += r->length;
  }
  return NULL;
}

static napi_value parallel_copy(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  uint32_t count = 0, threads = 1;
  bool is_array = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2 || napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array ||
      napi_get_array_length(env, argv[0], &count) != napi_ok || napi_get_value_uint32(env, argv[1], &threads) != napi_ok) {
    napi_throw_type_error(env, "EINVAL", "copy(pairs, threads) takes an array of [dst, src] Uint8Array pairs and a thread count");
    return NULL;
  }
  region *regions = calloc(count ? count : 1, sizeof *regions);
  if (regions == NULL) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  size_t total = 0;
  for (uint32_t i = 0; i < count; i++) {
    napi_value pair, dst, src;
    void *d, *s;
    size_t dl, sl;
    if (napi_get_element(env, argv[0], i, &pair) != napi_ok || napi_get_element(env, pair, 0, &dst) != napi_ok || napi_get_element(env, pair, 1, &src) != napi_ok ||
        !ckpt_typed_array(env, dst, napi_uint8_array, &d, &dl) || !ckpt_typed_array(env, src, napi_uint8_array, &s, &sl) || dl != sl) {
      free(regions);
      napi_throw_type_error(env, "EINVAL", "every pair must be [dst, src] Uint8Arrays of the same length");
      return NULL;
    }
    regions[i] = (region){d, s, dl};
    total += dl;
  }
  if (threads < 1) threads = 1;
  if (threads > CKPT_MAX_THREADS) threads = CKPT_MAX_THREADS;
  share shares[CKPT_MAX_THREADS];
  for (uint32_t t = 0; t < threads; t++) {
    shares[t] = (share){regions, count, total / threads * t, t + 1 == threads ? total : total / threads * (t + 1)};
  }
  ckpt_run_parallel(copy_share, shares, sizeof shares[0], threads);
  free(regions);
  return NULL;
}

void ckpt_register_copy(napi_env env, napi_value exports) { ckpt_export(env, exports, "copy", parallel_copy); }
