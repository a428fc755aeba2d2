#include "plots/contour_field.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace tw::ui {

namespace {

/// Where an output fraction falls between the nodes of an axis.
struct Tap {
    int k = 0;       // the node at or left of it (the band, for bands)
    double t = 0.0;  // how far towards node k + 1
};

std::vector<Tap> tapsFor(const AxisNodes& a, const std::vector<double>& out)
{
    const int n = int(a.frac.size());
    std::vector<Tap> taps(out.size());
    for (size_t c = 0; c < out.size(); ++c) {
        const double f = std::clamp(out[c], 0.0, 1.0);
        Tap& tap = taps[c];
        if (n <= 1) continue;
        if (a.bands) {
            tap.k = std::clamp(int(f * n), 0, n - 1);
            continue;
        }
        const auto it = std::upper_bound(a.frac.begin(), a.frac.end(), f);
        const int k = std::clamp(int(it - a.frac.begin()) - 1, 0, n - 2);
        const double span = a.frac[size_t(k + 1)] - a.frac[size_t(k)];
        tap.k = k;
        tap.t = span > 0 ? std::clamp((f - a.frac[size_t(k)]) / span, 0.0, 1.0) : 0.0;
    }
    return taps;
}

/// A node value the cubic may read: finite and not a stand-in for infinity
/// (the output warp gives DBL_MAX where it cannot be undone).
bool usable(double v) { return std::abs(v) < kUnbounded; }

/// The value at a tap of the nodes get(0..n-1).
template <typename Get>
double interpolate(const Get& get, int n, const Tap& tap, bool bands)
{
    if (n <= 0) return NAN;
    if (n == 1 || bands) return get(std::min(tap.k, n - 1));
    const int k = tap.k;
    const double t = tap.t;
    const double p1 = get(k), p2 = get(k + 1);
    if (!usable(p1) || !usable(p2)) {
        // Next to a missing or unbounded value: the nearest node, never a
        // blend (a cubic would ring far past the range).
        const double nearest = t < 0.5 ? p1 : p2, other = t < 0.5 ? p2 : p1;
        return std::isnan(nearest) ? other : nearest;
    }
    // Catmull-Rom; past an end (or next to a non-finite node) the line
    // through the two inner nodes stands in for the missing one.
    const double p0m = k > 0 ? get(k - 1) : NAN, p3m = k + 2 < n ? get(k + 2) : NAN;
    const double p0 = usable(p0m) ? p0m : 2 * p1 - p2;
    const double p3 = usable(p3m) ? p3m : 2 * p2 - p1;
    const double t2 = t * t, t3 = t2 * t;
    return 0.5 * ((-t3 + 2 * t2 - t) * p0 + (3 * t3 - 5 * t2 + 2) * p1 + (-3 * t3 + 4 * t2 + t) * p2 +
                  (t3 - t2) * p3);
}

} // namespace

Eigen::MatrixXd clampedTo(Eigen::MatrixXd z, double lo, double hi)
{
    for (Eigen::Index k = 0; k < z.size(); ++k)
        if (double& v = z.data()[k]; !std::isnan(v)) v = std::clamp(v, lo, hi);
    return z;
}

std::vector<double> evenFractions(int n)
{
    std::vector<double> f(size_t(std::max(n, 0)));
    for (int i = 0; i < n; ++i) f[size_t(i)] = n > 1 ? double(i) / (n - 1) : 0.5;
    return f;
}

Eigen::MatrixXd resampleGrid(const Eigen::MatrixXd& z, const AxisNodes& x, const AxisNodes& y,
                             const std::vector<double>& fx, const std::vector<double>& fy)
{
    const int nx = std::min(int(z.cols()), int(x.frac.size())), ny = std::min(int(z.rows()), int(y.frac.size()));
    Eigen::MatrixXd out(Eigen::Index(fy.size()), Eigen::Index(fx.size()));
    if (nx == 0 || ny == 0) {
        out.setConstant(NAN);
        return out;
    }
    const std::vector<Tap> tx = tapsFor(x, fx), ty = tapsFor(y, fy);
    // Along x for every node row, then along y for every output row.
    Eigen::MatrixXd rows(ny, Eigen::Index(fx.size()));
    for (int j = 0; j < ny; ++j)
        for (size_t c = 0; c < fx.size(); ++c)
            rows(j, Eigen::Index(c)) = interpolate([&](int i) { return z(j, i); }, nx, tx[c], x.bands);
    for (size_t r = 0; r < fy.size(); ++r)
        for (size_t c = 0; c < fx.size(); ++c)
            out(Eigen::Index(r), Eigen::Index(c)) =
                interpolate([&](int j) { return rows(j, Eigen::Index(c)); }, ny, ty[r], y.bands);
    return out;
}

QImage heatImage(const Eigen::MatrixXd& z, const AxisNodes& x, const AxisNodes& y, int width, int height,
                 const std::function<QRgb(double)>& colour)
{
    width = std::max(width, 1);
    height = std::max(height, 1);
    std::vector<double> fx(static_cast<size_t>(width)), fy(static_cast<size_t>(height));
    for (int c = 0; c < width; ++c) fx[size_t(c)] = (c + 0.5) / width;
    for (int r = 0; r < height; ++r) fy[size_t(r)] = 1.0 - (r + 0.5) / height;
    const Eigen::MatrixXd v = resampleGrid(z, x, y, fx, fy);
    QImage image(width, height, QImage::Format_ARGB32_Premultiplied);  // opaque: what a widget or an export paints on
    for (int r = 0; r < height; ++r) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(r));
        for (int c = 0; c < width; ++c) line[c] = colour(v(r, c));
    }
    return image;
}

QPainterPath contourPath(const Eigen::MatrixXd& z, const std::vector<double>& px, const std::vector<double>& py,
                         double level)
{
    // The crossings lie on grid edges, each edge once: a horizontal edge
    // (i, j)-(i+1, j) is 2 (j nx + i), a vertical one (i, j)-(i, j+1) that + 1.
    const auto nx = int64_t(px.size());
    const size_t edges = size_t(2 * nx * int64_t(py.size() + 1));
    std::vector<QPointF> at(edges);
    std::vector<bool> known(edges, false);
    std::vector<std::array<int, 2>> touching(edges, {-1, -1});  // the segments at an edge (-1: none)
    std::vector<std::array<int64_t, 2>> segments;
    const auto crossing = [&](int64_t edge, const QPointF& a, double va, const QPointF& b, double vb) {
        if (!known[size_t(edge)]) {
            at[size_t(edge)] = a + (b - a) * ((level - va) / (vb - va));
            known[size_t(edge)] = true;
        }
        return edge;
    };
    const auto addSegment = [&](int64_t a, int64_t b) {
        const int k = int(segments.size());
        segments.push_back({a, b});
        for (int64_t e : {a, b}) {
            auto& t = touching[size_t(e)];
            (t[0] < 0 ? t[0] : t[1]) = k;
        }
    };
    for (size_t j = 0; j + 1 < py.size(); ++j) {
        for (size_t i = 0; i + 1 < px.size(); ++i) {
            const double v[4] = {z(Eigen::Index(j), Eigen::Index(i)), z(Eigen::Index(j), Eigen::Index(i + 1)),
                                 z(Eigen::Index(j + 1), Eigen::Index(i + 1)), z(Eigen::Index(j + 1), Eigen::Index(i))};
            if (!usable(v[0]) || !usable(v[1]) || !usable(v[2]) || !usable(v[3])) continue;
            const QPointF c[4] = {{px[i], py[j]}, {px[i + 1], py[j]}, {px[i + 1], py[j + 1]}, {px[i], py[j + 1]}};
            const int64_t cell = int64_t(j) * nx + int64_t(i);
            // Bottom, right, top, left.
            const int64_t edge[4] = {2 * cell, 2 * (cell + 1) + 1, 2 * (cell + nx), 2 * cell + 1};
            int64_t hits[4];
            int n = 0;
            for (int e = 0; e < 4; ++e) {
                const int f = (e + 1) % 4;
                if ((v[e] < level) != (v[f] < level)) hits[n++] = crossing(edge[e], c[e], v[e], c[f], v[f]);
            }
            if (n == 2) {
                addSegment(hits[0], hits[1]);
            } else if (n == 4) {
                // A saddle: pair the crossings by the cell's centre value.
                const double centre = (v[0] + v[1] + v[2] + v[3]) / 4;
                if ((centre < level) == (v[0] < level)) {
                    addSegment(hits[0], hits[1]);
                    addSegment(hits[2], hits[3]);
                } else {
                    addSegment(hits[0], hits[3]);
                    addSegment(hits[1], hits[2]);
                }
            }
        }
    }
    // Chain the segments into polylines (closed where a line closes on itself).
    QPainterPath path;
    std::vector<bool> used(segments.size(), false);
    const auto other = [&](int k, int64_t e) { return segments[size_t(k)][0] == e ? segments[size_t(k)][1] : segments[size_t(k)][0]; };
    const auto nextSegment = [&](int64_t e, int from) {
        const auto& t = touching[size_t(e)];
        for (int k : t)
            if (k >= 0 && k != from && !used[size_t(k)]) return k;
        return -1;
    };
    for (size_t s0 = 0; s0 < segments.size(); ++s0) {
        if (used[s0]) continue;
        used[s0] = true;
        // Walk back from the segment's first end to where the line starts.
        std::vector<int64_t> back{segments[s0][0]};
        for (int k = int(s0), n; (n = nextSegment(back.back(), k)) >= 0; k = n) {
            used[size_t(n)] = true;
            back.push_back(other(n, back.back()));
        }
        std::vector<int64_t> line(back.rbegin(), back.rend());
        line.push_back(segments[s0][1]);
        for (int k = int(s0), n; (n = nextSegment(line.back(), k)) >= 0; k = n) {
            used[size_t(n)] = true;
            line.push_back(other(n, line.back()));
        }
        path.moveTo(at[size_t(line.front())]);
        for (size_t k = 1; k < line.size(); ++k) path.lineTo(at[size_t(line[k])]);
        if (line.size() > 2 && line.front() == line.back()) path.closeSubpath();
    }
    return path;
}

} // namespace tw::ui
