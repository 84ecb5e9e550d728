/*
 * Exact sums for the regression metrics (src/metrics/regression.ts), fast:
 *
 *   regressionSums(yTrue, yPred, mask, threads[, kernel])
 *     -> [nonFinite, maxAbs, units_0, special_0, ..., units_6, special_6]
 *
 * for d = yTrue - yPred, the exact sums of fl(d*d), y, y^2, d, d^2, |d| and |d| / max(|y|, 2^-52)
 * (those whose bit is set in `mask`, in that order) as BigInt counts of 2^-1074 plus the sum of
 * the non-finite values, and max |d| (when mask bit 7 is set; else 0). The values summed are bit
 * for bit those the JavaScript code sums, and the sums are exact, so the result is identical to
 * its, whatever the split over threads. `nonFinite` is true when an input is NaN or infinite (the
 * sums are then incomplete).
 *
 * The data goes through in blocks of 1024 samples, 8, 4 or 2 lanes wide (AVX-512, AVX2 + FMA, or
 * the baseline: regression-kernel.h, picked at run time, or by `kernel`). Each sum has a ladder of
 * levels that takes every bit of every value; a ladder serves block after block while their
 * magnitudes stay within a few binades. A block whose values lie too far apart, or out of the
 * range where the vector path is exact, is summed value by value the way the JavaScript code does
 * it. `threads` threads (the calling one included) take chunks of blocks as they go.
 */
#include "addon.h"
#include "exact-acc.h"
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>

#define BLOCK 1024
#define LEVELS 4
/* A level for values of magnitude at most 2^b starts at 1.5 * 2^(b + LEVEL_ROOM): it takes the top
 * 53 - LEVEL_ROOM = 39 bits of what it is given, and holds up to 2^(LEVEL_ROOM - 2) deposits per
 * lane before its running sum could leave its binade. */
#define LEVEL_ROOM 14
#define LEVEL_STEP (53 - LEVEL_ROOM)
#define LEVEL_CAPACITY (1 << (LEVEL_ROOM - 2))
/* A ladder set up for 2^b serves later blocks whose bound is b, b - 1 or b - 2. */
#define LADDER_SLACK 2
#define NO_LADDER (-100000)

enum { Q_SQ, Q_Y, Q_Y2, Q_D, Q_D2, Q_ABS, Q_APE, Q_COUNT };
#define M_SQ (1u << Q_SQ)
#define M_Y (1u << Q_Y)
#define M_Y2 (1u << Q_Y2)
#define M_D (1u << Q_D)
#define M_D2 (1u << Q_D2)
#define M_ABS (1u << Q_ABS)
#define M_APE (1u << Q_APE)
#define M_R2 (M_SQ | M_Y | M_Y2)
#define M_MAX (1u << Q_COUNT) /* also report max |d| */

static const double SPLITTER = 134217729.0; /* 2^27 + 1 */
static const double EPS = 2.220446049250313e-16; /* 2^-52, scikit-learn's MAPE floor */
static const int64_t ABS_BITS = 0x7fffffffffffffffll;
/* Block maxima of |y|, |d| and the MAPE terms must have exponents in [MIN_EXP, MAX_EXP] for the
 * vector path: squares then stay normal, their errors are exact, and every level constant is a
 * normal number. (A square's error is only exact for y captured exactly by the ladder of y, a
 * multiple of 2^-376 or so; so y^2 is always summed with y, and d^2 with d.) */
#define MIN_EXP (-300)
#define MAX_EXP 400

/* What the threads of one call share: the data, and the next chunk to take. Threads take chunks
 * of CHUNK_BLOCKS blocks as they go, so that a thread slowed by another process (or the garbage
 * collector) on its core leaves more of the work to the others. */
#define CHUNK_BLOCKS 16
typedef struct {
  const double *y, *p;
  size_t n;
  unsigned mask;
  atomic_size_t next_block;
  atomic_int non_finite; /* set by the first thread to meet a NaN or infinity: all stop */
} work;

/* One thread's share: its own exact sums. */
typedef struct {
  work *w;
  unsigned mask;
  exact_acc acc[Q_COUNT];
  int64_t max_bits; /* bits of max |d| */
} job;

/* The maxima of a block, as bits (non-negative doubles order as integers): |y|, |d|, fl(y^2),
 * fl(d^2) and the MAPE terms. For R² alone, y and d are bounds (powers of two times 1.5) instead. */
typedef struct {
  int64_t y, d, y2, d2, ape;
  int64_t y_min; /* R² alone: the smallest non-zero |y| (0 when none) */
} maxima;

static inline int64_t bits_of_double(double x) {
  int64_t b;
  memcpy(&b, &x, sizeof b);
  return b;
}
static inline double double_of_bits(int64_t b) {
  double x;
  memcpy(&x, &b, sizeof x);
  return x;
}
/* The bits of fl(x^2) for the double x with bits b (its largest rounded square). */
static inline int64_t square_bits(int64_t b) {
  double x = double_of_bits(b);
  return bits_of_double(x * x);
}
/* 1.5 * 2^k, for k in the normal range. */
static inline double one_and_half_pow2(int k) {
  uint64_t bits = ((uint64_t)(k + 1023) << 52) | (1ull << 51);
  double x;
  memcpy(&x, &bits, sizeof x);
  return x;
}
/* The bound b (every |x| <= 2^b) for a block maximum, 0 for a zero one. */
static inline int bound_of(int64_t max_bits) { return max_bits == 0 ? 0 : (int)(max_bits >> 52) - 1023 + 1; }
static inline int in_range(int64_t max_bits) {
  int e = (int)(max_bits >> 52) - 1023;
  return max_bits == 0 || (e >= MIN_EXP && e <= MAX_EXP);
}
/* From the largest square s = fl(x^2) of a block (bits), a value whose bound bounds every |x|:
 * if 2^e <= s < 2^(e+1) then |x| < 2^(floor(e/2) + 1). NaN and infinities stay out of range. */
static inline int64_t root_bound(int64_t s_bits) {
  if (s_bits == 0) return 0;
  int e = (int)(s_bits >> 52) - 1023;
  if (e > 1023) return s_bits;
  int k = e >= 0 ? e / 2 : -((1 - e) / 2); /* floor(e / 2) */
  return bits_of_double(one_and_half_pow2(k));
}

/* For R² alone, where y and y^2 skip their last remainders: whether every y (all at least y_min
 * in magnitude, or zero) is a multiple of the ulp of the last level of y's ladder (level 1, for
 * values up to 2^b_y), and so every y^2 = fl(y^2) + error of the last levels of y^2's (levels 2
 * and 3, up to 2^b_y2). A y of exponent e is a multiple of 2^(e-52), its square of 2^(2e-104);
 * level j of a ladder for 2^b has ulp 2^(b + LEVEL_ROOM - 52 - LEVEL_STEP * j). */
static inline int on_last_grids(int64_t y_min, int b_y, int b_y2) {
  if (y_min == 0) return 1;
  int e = (int)(y_min >> 52) - 1023;
  return e - 52 >= b_y + LEVEL_ROOM - 52 - LEVEL_STEP && 2 * e - 104 >= b_y2 + LEVEL_ROOM - 52 - 3 * LEVEL_STEP &&
         2 * e - 52 >= b_y2 + LEVEL_ROOM - 52 - 2 * LEVEL_STEP;
}

/* The largest value each quantity's ladder sees in a block with these maxima. */
static void quantity_maxima(const maxima *m, int64_t out[Q_COUNT]) {
  out[Q_SQ] = out[Q_D2] = m->d2;
  out[Q_Y2] = m->y2;
  out[Q_Y] = m->y;
  out[Q_D] = out[Q_ABS] = m->d;
  out[Q_APE] = m->ape;
}

/* x^2 added as the JavaScript ExactSum.addSquare adds it (same operations, same order). */
static void add_square(exact_acc *acc, double x) {
  double p = x * x;
  double c = SPLITTER * x;
  double xh = c - (c - x);
  double xl = x - xh;
  acc_add(acc, p);
  if (p - p == 0) acc_add(acc, xh * xh - p + 2 * xh * xl + xl * xl);
}

/* One block value by value, as src/metrics/regression.ts does it. Returns 0 on a non-finite input. */
static int block_slow(job *jb, const double *y, const double *p, size_t count) {
  unsigned mask = jb->mask;
  for (size_t i = 0; i < count; i++) {
    double yi = y[i], pi = p[i];
    if (!(yi - yi == 0) || !(pi - pi == 0)) return 0;
    double d = yi - pi;
    double a = fabs(d);
    if (mask & M_SQ) acc_add(&jb->acc[Q_SQ], d * d);
    if (mask & M_Y) acc_add(&jb->acc[Q_Y], yi);
    if (mask & M_Y2) add_square(&jb->acc[Q_Y2], yi);
    if (mask & M_D) acc_add(&jb->acc[Q_D], d);
    if (mask & M_D2) add_square(&jb->acc[Q_D2], d);
    if (mask & M_ABS) acc_add(&jb->acc[Q_ABS], a);
    if (mask & M_APE) acc_add(&jb->acc[Q_APE], a / fmax(fabs(yi), EPS));
    int64_t ab;
    memcpy(&ab, &a, sizeof ab);
    if (ab > jb->max_bits) jb->max_bits = ab;
  }
  return 1;
}

/* The kernel, 2 lanes wide (SSE2 on x86-64, NEON on arm64, scalar elsewhere). */
#define K_LANES 2
#define K(name) name##_base
#define K_TARGET
#include "regression-kernel.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_X86_KERNELS 1
#define K_LANES 4
#define K(name) name##_avx2
#define K_TARGET __attribute__((target("avx2,fma")))
#define K_FMA(a, b, c) ((vd)_mm256_fmadd_pd((__m256d)(a), (__m256d)(b), (__m256d)(c)))
#define K_MAX_PD(a, b) ((vd)_mm256_max_pd((__m256d)(a), (__m256d)(b)))
#include "regression-kernel.h"

#define K_LANES 8
#define K(name) name##_avx512
#define K_TARGET __attribute__((target("avx512f")))
#define K_FMA(a, b, c) ((vd)_mm512_fmadd_pd((__m512d)(a), (__m512d)(b), (__m512d)(c)))
#define K_MAX_PD(a, b) ((vd)_mm512_max_pd((__m512d)(a), (__m512d)(b)))
#define K_MIN_U64(a, b) ((vu)_mm512_min_epu64((__m512i)(a), (__m512i)(b)))
#include "regression-kernel.h"
#endif

typedef void *(*kernel_fn)(void *);

/* The kernel named `name` ("auto": the widest this CPU runs), or NULL if it cannot run here. */
static kernel_fn pick_kernel(const char *name) {
#ifdef HAVE_X86_KERNELS
  __builtin_cpu_init();
  int avx512 = __builtin_cpu_supports("avx512f"), avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (strcmp(name, "avx512") == 0) return avx512 ? run_job_avx512 : NULL;
  if (strcmp(name, "avx2") == 0) return avx2 ? run_job_avx2 : NULL;
  if (strcmp(name, "auto") == 0) return avx512 ? run_job_avx512 : avx2 ? run_job_avx2 : run_job_base;
#else
  if (strcmp(name, "auto") == 0) return run_job_base;
#endif
  return strcmp(name, "base") == 0 ? run_job_base : NULL;
}

static napi_value regression_sums(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  void *y, *p;
  size_t n, np, name_length = 0;
  uint32_t mask = 0, threads = 1;
  char name[16] = "auto";
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4 || !ckpt_typed_array(env, argv[0], napi_float64_array, &y, &n) ||
      !ckpt_typed_array(env, argv[1], napi_float64_array, &p, &np) || n != np || napi_get_value_uint32(env, argv[2], &mask) != napi_ok ||
      napi_get_value_uint32(env, argv[3], &threads) != napi_ok || mask > (M_MAX | (M_MAX - 1)) ||
      (argc > 4 && napi_get_value_string_utf8(env, argv[4], name, sizeof name, &name_length) != napi_ok)) {
    napi_throw_type_error(env, "EINVAL", "regressionSums(yTrue, yPred, mask, threads[, kernel]) takes two Float64Arrays of one length, a mask, a thread count and a kernel name");
    return NULL;
  }
  kernel_fn run_job = pick_kernel(name);
  if (run_job == NULL) {
    napi_throw_error(env, "ENOTSUP", "this kernel does not run on this CPU");
    return NULL;
  }
  /* A square's error is exact only for values its base quantity captured exactly (see MIN_EXP). */
  if (mask & M_Y2) mask |= M_Y;
  if (mask & M_D2) mask |= M_D;
  size_t blocks = (n + BLOCK - 1) / BLOCK;
  if (threads < 1) threads = 1;
  if (threads > CKPT_MAX_THREADS) threads = CKPT_MAX_THREADS;
  if (threads > blocks) threads = blocks ? (uint32_t)blocks : 1;
  job *jobs = calloc(threads, sizeof *jobs);
  if (jobs == NULL) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  work w = {.y = y, .p = p, .n = n, .mask = mask};
  atomic_init(&w.next_block, 0);
  atomic_init(&w.non_finite, 0);
  for (uint32_t t = 0; t < threads; t++) jobs[t] = (job){.w = &w, .mask = mask};
  ckpt_run_parallel(run_job, jobs, sizeof jobs[0], threads);
  for (uint32_t t = 1; t < threads; t++) {
    for (int q = 0; q < Q_COUNT; q++) acc_merge(&jobs[0].acc[q], &jobs[t].acc[q]);
    if (jobs[t].max_bits > jobs[0].max_bits) jobs[0].max_bits = jobs[t].max_bits;
  }
  napi_value out, v;
  napi_create_array_with_length(env, 2 + 2 * Q_COUNT, &out);
  napi_get_boolean(env, atomic_load(&w.non_finite) != 0, &v);
  napi_set_element(env, out, 0, v);
  double max_abs;
  memcpy(&max_abs, &jobs[0].max_bits, sizeof max_abs);
  napi_create_double(env, max_abs, &v);
  napi_set_element(env, out, 1, v);
  for (int q = 0; q < Q_COUNT; q++) {
    uint64_t words[ACC_WORDS];
    int negative = acc_words(&jobs[0].acc[q], words);
    napi_create_bigint_words(env, negative, ACC_WORDS, words, &v);
    napi_set_element(env, out, 2 + 2 * q, v);
    napi_create_double(env, jobs[0].acc[q].special, &v);
    napi_set_element(env, out, 3 + 2 * q, v);
  }
  free(jobs);
  return out;
}

void ckpt_register_regression_sums(napi_env env, napi_value exports) { ckpt_export(env, exports, "regressionSums", regression_sums); }
