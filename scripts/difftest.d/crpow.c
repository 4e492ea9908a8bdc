/* crpow.so: an LD_PRELOAD library that gives `luajit` crescent's `pow`, so that
 * scripts/difftest can tell a divergence caused only by glibc's pow rounding from a real one.
 *
 *     gcc -shared -fPIC -O2 -o crpow.so crpow.c -ldl -lm
 *     LD_PRELOAD=./crpow.so luajit -joff prog.lua
 *
 * Why: glibc's pow (behind luajit's `^` and math.pow) is not correctly rounded in every
 * case: it rounds exact ties such as 217659^3 = 10311690956122179 (between two doubles)
 * either way, and it is sometimes one unit off near a tie (x^0.5, x^3). crescent's pow
 * (core/src/stdlib/math.rs) is correctly rounded for integral exponents |n| <= 64, and is
 * the libm crate's pow otherwise, which returns sqrt(x) for y = 0.5. This file computes the
 * same thing in the same way (the cases the generator emits: n = 2, 3, -1 and 0.5) and
 * leaves every other case to glibc. If luajit with it prints what crescent prints, the
 * divergence was glibc's rounding, not a crescent bug (fuzz/README.md, difftest).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

static double (*glibc_pow)(double, double);

typedef struct { double hi, lo; } dd;

static dd dd_mul(dd a, dd b) {
  double p = a.hi * b.hi;
  double e = fma(a.hi, b.hi, -p) + (a.hi * b.lo + a.lo * b.hi);
  double hi = p + e;
  dd r = {hi, e - (hi - p)};
  return r;
}

/* crescent's pow_int: |x| = m * 2^e, m in [1, 2); m^|n| in double-double, rounded once,
 * then scaled. Returns 0 with *ok = 0 for subnormal results (crescent uses libm there). */
static double pow_int(double x, int n, int *ok) {
  double a = fabs(x);
  int64_t e = 0;
  if (a < 2.2250738585072014e-308) {
    a *= 18446744073709551616.0;
    e = -64;
  }
  uint64_t bits;
  memcpy(&bits, &a, 8);
  e += (int64_t)(bits >> 52) - 1023;
  bits = (bits & ((1ULL << 52) - 1)) | (1023ULL << 52);
  double m;
  memcpy(&m, &bits, 8);
  dd base = {m, 0.0}, acc = {1.0, 0.0};
  unsigned k = n < 0 ? -n : n;
  while (k > 0) {
    if (k & 1) acc = dd_mul(acc, base);
    k >>= 1;
    if (k > 0) base = dd_mul(base, base);
  }
  double mag;
  if (n > 0) {
    mag = acc.hi + acc.lo;
  } else {
    double q = 1.0 / acc.hi;
    double r = fma(-q, acc.hi, 1.0) - q * acc.lo;
    mag = q + r * q;
  }
  int64_t scale = e * n;
  uint64_t mb;
  memcpy(&mb, &mag, 8);
  if ((int64_t)(mb >> 52) - 1023 + scale < -1022) {
    *ok = 0;
    return 0.0;
  }
  *ok = 1;
  double r = scalbn(mag, (int)scale);
  return (x < 0 && (n & 1)) ? -r : r;
}

double pow(double x, double y) {
  if (!glibc_pow) glibc_pow = (double (*)(double, double))dlsym(RTLD_NEXT, "pow");
  if (y == trunc(y) && fabs(y) <= 64.0 && isfinite(x) && x != 0.0 && y != 0.0) {
    int ok;
    double r = pow_int(x, (int)y, &ok);
    if (ok) return r;
  }
  if (y == 0.5 && !signbit(x) && !isnan(x)) return sqrt(x);
  return glibc_pow(x, y);
}
