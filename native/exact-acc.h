/*
 * An exact accumulator of float64 values: the sum, in units of 2^-1074 (the smallest subnormal),
 * held as 32-bit digits in int64 slots so that 2^29 additions fit before carries must move.
 * Every finite double is an integer number of such units, so the sum never rounds: any split of
 * the values, summed in any order and merged, gives the same integer. Non-finite values are summed
 * (in floating point) apart, as src/metrics/exact-sum.ts does.
 */
#ifndef CKPT_EXACT_ACC_H
#define CKPT_EXACT_ACC_H
#include <stdint.h>
#include <string.h>

/* 70 digits of 32 bits: 2^-1074 up to beyond 2^1024 times 2^29 additions, plus a sign. */
#define ACC_DIGITS 70
#define ACC_WORDS (ACC_DIGITS / 2)
#define ACC_CARRY_AFTER (1u << 29)

typedef struct {
  int64_t digit[ACC_DIGITS];
  double special;  /* sum of the NaN and infinite values, 0 when none */
  uint32_t pending; /* additions since carries last moved */
} exact_acc;

/* Moves carries up so that every digit but the top one is in [0, 2^32). */
static inline void acc_carry(exact_acc *a) {
  int64_t carry = 0;
  for (int i = 0; i < ACC_DIGITS - 1; i++) {
    int64_t v = a->digit[i] + carry;
    carry = v >> 32; /* arithmetic shift: the floor of v / 2^32 */
    a->digit[i] = v - carry * ((int64_t)1 << 32);
  }
  a->digit[ACC_DIGITS - 1] += carry;
  a->pending = 0;
}

/* Adds x exactly. */
static inline void acc_add(exact_acc *a, double x) {
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  unsigned e = (unsigned)(bits >> 52) & 0x7ff;
  if (e == 0x7ff) {
    a->special += x;
    return;
  }
  uint64_t m = bits & 0xfffffffffffffull;
  if (e != 0) m |= 1ull << 52;
  else e = 1;
  if (m == 0) return;
  unsigned pos = e - 1; /* x = m * 2^pos units */
  unsigned i = pos >> 5, s = pos & 31;
  uint64_t low = m << s;
  int64_t d0 = (int64_t)(low & 0xffffffffu), d1 = (int64_t)(low >> 32), d2 = s ? (int64_t)(m >> (64 - s)) : 0;
  if (bits >> 63) {
    a->digit[i] -= d0;
    a->digit[i + 1] -= d1;
    a->digit[i + 2] -= d2;
  } else {
    a->digit[i] += d0;
    a->digit[i + 1] += d1;
    a->digit[i + 2] += d2;
  }
  if (++a->pending >= ACC_CARRY_AFTER) acc_carry(a);
}

/* a += b (b is left with its carries moved). */
static inline void acc_merge(exact_acc *a, exact_acc *b) {
  acc_carry(a);
  acc_carry(b);
  for (int i = 0; i < ACC_DIGITS; i++) a->digit[i] += b->digit[i];
  a->special += b->special;
  acc_carry(a);
}

/* The sum as a sign and a magnitude of ACC_WORDS little-endian 64-bit words (for a BigInt). */
static inline int acc_words(exact_acc *a, uint64_t words[ACC_WORDS]) {
  acc_carry(a);
  for (int k = 0; k < ACC_WORDS; k++) {
    words[k] = (uint64_t)(uint32_t)a->digit[2 * k] | ((uint64_t)(uint32_t)a->digit[2 * k + 1] << 32);
  }
  int negative = a->digit[ACC_DIGITS - 1] < 0;
  if (negative) { /* two's complement to magnitude */
    uint64_t carry = 1;
    for (int k = 0; k < ACC_WORDS; k++) {
      uint64_t w = ~words[k] + carry;
      carry = carry && w == 0;
      words[k] = w;
    }
  }
  return negative;
}

#endif
