/*
 * The vector kernel of regression-sums.c, written once for any vector width: regression-sums.c
 * includes this file once per width, after defining (this file undefines them at its end)
 *
 *   K_LANES      doubles per vector (2, 4 or 8)
 *   K(name)      the name of this copy's version of `name` (e.g. name##_avx512)
 *   K_TARGET     the function attribute that compiles it for that width (may be empty)
 *   K_FMA(a,b,c) optional: a fused a*b + c on vectors, for the error of a square
 *   K_MAX_PD, K_MIN_U64  optional: vector max of doubles and min of unsigned 64-bit integers
 *
 * Per quantity, a "ladder" of levels: running sums that start at 1.5 * 2^k and so round whatever is
 * added to them to a multiple of their ulp. Adding x to a level and subtracting the level's old
 * value gives the part of x the level took, exactly; the rest goes down to the next level, 39 bits
 * lower (the deposit of Demmel and Nguyen's reproducible summation). A square x^2 goes in as the
 * rounded product plus its exact error. When every final remainder of a block is zero, every bit
 * of every value was taken, so the levels' totals, folded into an exact accumulator, are exact.
 */
#define vd K(vd)
#define vi K(vi)
#define vu K(vu)
#define ladder K(ladder)
typedef double vd __attribute__((vector_size(8 * K_LANES)));
typedef int64_t vi __attribute__((vector_size(8 * K_LANES)));
typedef uint64_t vu __attribute__((vector_size(8 * K_LANES)));
#define K_VECS (BLOCK / K_LANES)
/* Deposits per lane per block into a ladder's busiest level: a square puts both its rounded value
 * and its error into levels 1 and 2. */
#define K_DEPOSITS(q) (((M_Y2 | M_D2) & (1u << (q))) ? 2 * K_VECS : K_VECS)

typedef struct {
  vd s[LEVELS]; /* running sums */
  double c[LEVELS]; /* their starting values */
  int b; /* for values up to 2^b; NO_LADDER when empty */
  int used; /* deposits per lane so far in the busiest level */
} ladder;

K_TARGET static inline vd K(load)(const double *p) {
  vd v;
  memcpy(&v, p, sizeof v);
  return v;
}
K_TARGET static inline vd K(splat)(double x) { return x - (vd){0}; }
K_TARGET static inline vd K(abs)(vd x) { return (vd)((vi)x & ABS_BITS); }
/* The smaller of two unsigned integers, lane by lane. */
K_TARGET static inline vu K(min_unsigned)(vu a, vu b) {
#ifdef K_MIN_U64
  return K_MIN_U64(a, b);
#else
  vu m = (vu)(a < b);
  return (a & m) | (b & ~m);
#endif
}
K_TARGET static inline uint64_t K(hmin_unsigned)(vu v) {
  uint64_t a[K_LANES], m = ~(uint64_t)0;
  memcpy(a, &v, sizeof a);
  for (int i = 0; i < K_LANES; i++) m = a[i] < m ? a[i] : m;
  return m;
}
/* Maximum of non-negative integers (the bits of non-negative doubles order as the doubles do). */
K_TARGET static inline vi K(max)(vi a, vi b) {
  vi m = a > b;
  return (a & m) | (b & ~m);
}
/* The running maximum m of squares (bits), updated with x: a NaN may be dropped, but a NaN square
 * comes from a NaN d or y, whose deposits leave a NaN remainder, so the block fails anyway. */
K_TARGET static inline vi K(max_square)(vi m, vd x) {
#ifdef K_MAX_PD
  return (vi)K_MAX_PD((vd)m, x);
#else
  return K(max)(m, (vi)x);
#endif
}
/* (Lanes are read after the loops through a copy, so that the vectors stay in registers.) */
K_TARGET static inline int64_t K(hmax)(vi v) {
  int64_t a[K_LANES], m = 0;
  memcpy(a, &v, sizeof a);
  for (int i = 0; i < K_LANES; i++) m = a[i] > m ? a[i] : m;
  return m;
}
K_TARGET static inline int K(zero)(vi v) {
  int64_t a[K_LANES], o = 0;
  memcpy(a, &v, sizeof a);
  for (int i = 0; i < K_LANES; i++) o |= a[i] & ABS_BITS;
  return o == 0;
}

K_TARGET static void K(ladder_start)(ladder *l, int b) {
  l->b = b;
  l->used = 0;
  for (int j = 0; j < LEVELS; j++) {
    l->c[j] = one_and_half_pow2(b + LEVEL_ROOM - LEVEL_STEP * j);
    l->s[j] = K(splat)(l->c[j]);
  }
}

/* Adds the levels' totals (exact: multiples of each level's ulp) to acc, and empties the ladder. */
K_TARGET static void K(ladder_fold)(ladder *l, exact_acc *acc) {
  if (l->b == NO_LADDER) return;
  for (int j = 0; j < LEVELS; j++) {
    double v[K_LANES];
    vd total = l->s[j] - K(splat)(l->c[j]);
    memcpy(v, &total, sizeof v);
    for (int i = 0; i < K_LANES; i++) acc_add(acc, v[i]);
  }
  l->b = NO_LADDER;
}

/* Whether the ladder can take one more block with maximum max_bits: it is set up, bounds every
 * value (any ladder bounds zeros), and has room for the block's deposits. */
K_TARGET static int K(ladder_holds)(const ladder *l, int64_t max_bits, int deposits) {
  return l->b != NO_LADDER && (max_bits == 0 || bound_of(max_bits) <= l->b) && l->used + deposits <= LEVEL_CAPACITY;
}

/* Whether to keep the ladder for such a block rather than start one afresh: it holds the block
 * and is not too coarse for it. */
K_TARGET static int K(ladder_fits)(const ladder *l, int64_t max_bits, int deposits) {
  return K(ladder_holds)(l, max_bits, deposits) && (max_bits == 0 || bound_of(max_bits) >= l->b - LADDER_SLACK);
}

/* Deposits x into level j; returns what the level did not take. */
K_TARGET static inline vd K(deposit)(ladder *l, int j, vd x) {
  vd t = l->s[j] + x;
  vd taken = t - l->s[j];
  l->s[j] = t;
  return x - taken;
}

/* x through levels [first, first + count); the final remainder's bits are or-ed into rest. */
K_TARGET static inline void K(deposit_all)(ladder *l, int first, int count, vd x, vi *rest) {
  for (int j = first; j < first + count; j++) x = K(deposit)(l, j, x);
  *rest |= (vi)x;
}

/* x through levels [first, first + count), the last one taking all that is left: for values the
 * caller knows are multiples of that level's ulp (no remainder to check). */
K_TARGET static inline void K(deposit_whole)(ladder *l, int first, int count, vd x) {
  for (int j = first; j < first + count - 1; j++) x = K(deposit)(l, j, x);
  l->s[first + count - 1] += x;
}

/* The exact error of the square p = fl(x * x). */
K_TARGET static inline vd K(square_error)(vd x, vd p) {
#ifdef K_FMA
  return K_FMA(x, x, -p);
#else /* Dekker's product: exact too in the vector path's range */
  vd c = SPLITTER * x;
  vd xh = c - (c - x);
  vd xl = x - xh;
  return ((xh * xh - p) + (2.0 * xh) * xl) + xl * xl;
#endif
}

/* x^2 (its rounded value p given) exactly: p through levels 0-2, its error through levels 1-3. */
K_TARGET static inline void K(deposit_square)(ladder *l, vd x, vd p, vi *rest) {
  K(deposit_all)(l, 0, 3, p, rest);
  K(deposit_all)(l, 1, 3, K(square_error)(x, p), rest);
}

/* One pass over a block: deposits every quantity of `mask` into the ladders l, and finds the
 * block's maxima. Returns whether every bit of every value was taken (all final remainders zero).
 *
 * R² alone (the common case) is leaner: the maxima of y^2 and d^2 are tracked instead of |y| and
 * |d| (the squares are at hand; bounds for |y| and |d| follow), and y and y^2 skip their final
 * remainders: the smallest non-zero |y| is tracked instead, and block_fits checks that every y,
 * and so every bit of y^2, lies on the grid of the last levels. */
K_TARGET static inline __attribute__((always_inline)) int K(deposit_block)(ladder *l, const double *y, const double *p, unsigned mask, maxima *m) {
  const int r2 = mask == M_R2;
  vi my = {0}, md = {0}, ma = {0}, rest = {0};
  vu y_min = ~(vu){0}; /* min over y of |y| - 1, unsigned: a zero wraps to the largest value */
  for (int v = 0; v < K_VECS; v++) {
    vd yv = K(load)(y + v * K_LANES), dv = yv - K(load)(p + v * K_LANES), ad = K(abs)(dv);
    vd y2 = yv * yv, d2 = dv * dv;
    if (r2) {
      my = K(max_square)(my, y2);
      md = K(max_square)(md, d2);
      y_min = K(min_unsigned)(y_min, (vu)K(abs)(yv) - 1);
      K(deposit_all)(&l[Q_SQ], 0, 3, d2, &rest);
      K(deposit_whole)(&l[Q_Y], 0, 2, yv);
      K(deposit_whole)(&l[Q_Y2], 0, 3, y2);
      K(deposit_whole)(&l[Q_Y2], 1, 3, K(square_error)(yv, y2));
      continue;
    } else {
      my = K(max)(my, (vi)K(abs)(yv));
      md = K(max)(md, (vi)ad);
    }
    if (mask & M_SQ) K(deposit_all)(&l[Q_SQ], 0, 3, d2, &rest);
    if (mask & M_Y) K(deposit_all)(&l[Q_Y], 0, 2, yv, &rest);
    if (mask & M_Y2) K(deposit_square)(&l[Q_Y2], yv, y2, &rest);
    if (mask & M_D) K(deposit_all)(&l[Q_D], 0, 2, dv, &rest);
    if (mask & M_D2) K(deposit_square)(&l[Q_D2], dv, d2, &rest);
    if (mask & M_ABS) K(deposit_all)(&l[Q_ABS], 0, 2, ad, &rest);
    if (mask & M_APE) {
      vd ay = K(abs)(yv), eps = K(splat)(EPS);
      vi big = (vi)ay > (vi)eps;
      vd ape = ad / (vd)(((vi)ay & big) | ((vi)eps & ~big)); /* |d| / max(|y|, EPS) */
      ma = K(max)(ma, (vi)ape);
      K(deposit_all)(&l[Q_APE], 0, 3, ape, &rest);
    }
  }
  if (r2) {
    m->y2 = K(hmax)(my);
    m->d2 = K(hmax)(md);
    m->y = root_bound(m->y2);
    m->d = root_bound(m->d2);
    m->y_min = (int64_t)(K(hmin_unsigned)(y_min) + 1);
  } else {
    m->y = K(hmax)(my);
    m->d = K(hmax)(md);
    m->y2 = square_bits(m->y);
    m->d2 = square_bits(m->d);
  }
  m->ape = (mask & M_APE) ? K(hmax)(ma) : 0;
  return K(zero)(rest);
}

/* Whether a block's deposits into l can be kept: every quantity's values were within its ladder's
 * bound and the ladder had room, and the maxima are in the fast path's range (which also rules
 * out NaN and infinities: a non-finite yPred makes d non-finite). */
K_TARGET static int K(block_fits)(const ladder *l, const maxima *m, unsigned mask) {
  if (!in_range(m->y) || !in_range(m->d) || !in_range(m->ape)) return 0;
  int64_t q_max[Q_COUNT];
  quantity_maxima(m, q_max);
  for (int q = 0; q < Q_COUNT; q++) {
    if ((mask & (1u << q)) && !K(ladder_holds)(&l[q], q_max[q], K_DEPOSITS(q))) return 0;
  }
  return mask != M_R2 || on_last_grids(m->y_min, l[Q_Y].b, l[Q_Y2].b);
}

/* One full block. The deposits go into copies of the ladders `lad`, kept only if the block fits
 * them; usually a block fits the ladders the block before left, and is read once. Otherwise the
 * ladders are set up for this block's maxima and it is deposited again, and if that fails too
 * (values too far apart, or out of range), it is summed value by value. Returns 0 on a non-finite input. */
K_TARGET static inline __attribute__((always_inline)) int K(block)(job *jb, ladder *lad, const double *y, const double *p, unsigned mask) {
  ladder l[Q_COUNT];
  maxima m;
  int ready = 1;
  for (int q = 0; q < Q_COUNT; q++) {
    if (!(mask & (1u << q))) continue;
    if (lad[q].b != NO_LADDER && lad[q].used + K_DEPOSITS(q) > LEVEL_CAPACITY) { /* full: start afresh at the same bound */
      int b = lad[q].b;
      K(ladder_fold)(&lad[q], &jb->acc[q]);
      K(ladder_start)(&lad[q], b);
    }
    ready = ready && lad[q].b != NO_LADDER;
    l[q] = lad[q];
  }
  int taken = ready && K(deposit_block)(l, y, p, mask, &m);
  if (!(taken && K(block_fits)(l, &m, mask))) {
    if (!ready) { /* the first block: a pass for its maxima, to set the ladders up (the MAPE terms' maximum comes with their deposits, here into a ladder thrown away) */
      ladder scratch[Q_COUNT];
      K(ladder_start)(&scratch[Q_APE], 0);
      K(deposit_block)(scratch, y, p, mask & M_APE, &m);
    }
    if (!in_range(m.y) || !in_range(m.d) || !in_range(m.ape)) return block_slow(jb, y, p, BLOCK);
    int64_t q_max[Q_COUNT];
    quantity_maxima(&m, q_max);
    int changed = 0;
    for (int q = 0; q < Q_COUNT; q++) {
      if (!(mask & (1u << q)) || K(ladder_fits)(&lad[q], q_max[q], K_DEPOSITS(q))) continue;
      K(ladder_fold)(&lad[q], &jb->acc[q]);
      K(ladder_start)(&lad[q], bound_of(q_max[q]));
      changed = 1;
    }
    if (!changed && taken) return block_slow(jb, y, p, BLOCK); /* the same ladders would fail the same way */
    for (int q = 0; q < Q_COUNT; q++) {
      if (mask & (1u << q)) l[q] = lad[q];
    }
    if (!K(deposit_block)(l, y, p, mask, &m) || !K(block_fits)(l, &m, mask)) return block_slow(jb, y, p, BLOCK);
  }
  for (int q = 0; q < Q_COUNT; q++) {
    if (mask & (1u << q)) {
      lad[q] = l[q];
      lad[q].used += K_DEPOSITS(q);
    }
  }
  if ((mask & M_MAX) && m.d > jb->max_bits) jb->max_bits = m.d;
  return 1;
}

/* The R² set (the common case) gets a copy of its own, with the other quantities compiled out. */
K_TARGET static int K(block_r2)(job *jb, ladder *lad, const double *y, const double *p) { return K(block)(jb, lad, y, p, M_R2); }
K_TARGET static int K(block_any)(job *jb, ladder *lad, const double *y, const double *p) { return K(block)(jb, lad, y, p, jb->mask); }

/* A thread: chunks of blocks taken from the shared cursor until none are left, the last block
 * padded with zeros (which add nothing); then its ladders folded into its sums. */
K_TARGET static void *K(run_job)(void *arg) {
  job *jb = arg;
  work *w = jb->w;
  ladder lad[Q_COUNT];
  int (*block)(job *, ladder *, const double *, const double *) = jb->mask == M_R2 ? K(block_r2) : K(block_any);
  for (int q = 0; q < Q_COUNT; q++) lad[q].b = NO_LADDER;
  size_t blocks = (w->n + BLOCK - 1) / BLOCK;
  for (;;) {
    size_t first = atomic_fetch_add(&w->next_block, CHUNK_BLOCKS);
    if (first >= blocks || atomic_load_explicit(&w->non_finite, memory_order_relaxed)) break;
    size_t last = first + CHUNK_BLOCKS < blocks ? first + CHUNK_BLOCKS : blocks;
    for (size_t b = first; b < last; b++) {
      size_t i = b * BLOCK;
      int ok;
      if (i + BLOCK <= w->n) {
        ok = block(jb, lad, w->y + i, w->p + i);
      } else {
        double ty[BLOCK] = {0}, tp[BLOCK] = {0};
        memcpy(ty, w->y + i, (w->n - i) * sizeof(double));
        memcpy(tp, w->p + i, (w->n - i) * sizeof(double));
        ok = block(jb, lad, ty, tp);
      }
      if (!ok) {
        atomic_store(&w->non_finite, 1);
        return NULL;
      }
    }
  }
  for (int q = 0; q < Q_COUNT; q++) K(ladder_fold)(&lad[q], &jb->acc[q]);
  return NULL;
}

#undef K_LANES
#undef K
#undef K_TARGET
#undef K_FMA
#undef K_MAX_PD
#undef K_MIN_U64
#undef vd
#undef vi
#undef vu
#undef ladder
#undef K_VECS
#undef K_DEPOSITS
