#pragma once
// The seeder's pseudo-random numbers: xoshiro256** seeded through splitmix64, so one --seed-value
// always gives the same shapes, on every platform (std:: distributions differ between libraries).
#include <QtGlobal>
#include <cmath>
#include <cstddef>

namespace vesper::backend {

/// A small, fast, portable PRNG with the few draws the seeder needs.
class SeedRandom {
public:
    explicit SeedRandom(quint64 seed)
    {
        for (quint64 &word : m_state) {
            seed += 0x9e3779b97f4a7c15ULL;
            quint64 z = seed;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            word = z ^ (z >> 31);
        }
    }

    quint64 next()
    {
        const quint64 result = rotl(m_state[1] * 5, 7) * 9;
        const quint64 t = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= t;
        m_state[3] = rotl(m_state[3], 45);
        return result;
    }
    /// Uniform in [0, 1).
    double real() { return double(next() >> 11) * 0x1.0p-53; }
    /// Uniform in [lo, hi], both included.
    qint64 between(qint64 lo, qint64 hi) { return hi <= lo ? lo : lo + qint64(next() % quint64(hi - lo + 1)); }
    bool chance(double p) { return real() < p; }
    /// An index in [0, n) where low indexes are much more likely (a long tail, like real usage:
    /// a few heavy users own most projects). P(0) is about n^(-1/3).
    int skewed(int n) { return n <= 1 ? 0 : qMin(n - 1, int(double(n) * std::pow(real(), 3.0))); }
    template <typename T, std::size_t N>
    const T &pick(const T (&items)[N]) { return items[next() % N]; }

private:
    static quint64 rotl(quint64 x, int k) { return (x << k) | (x >> (64 - k)); }
    quint64 m_state[4];
};

} // namespace vesper::backend
