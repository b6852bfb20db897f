// The method of simulated moments (msm.hpp).
#include "valinta/study/msm.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace valinta::msm {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check(const Problem& p) {
  const auto k = p.start.size();
  if (k == 0) throw std::invalid_argument("msm: no parameters to fit");
  if (p.lower.size() != k || p.upper.size() != k || static_cast<Eigen::Index>(p.names.size()) != k)
    throw std::invalid_argument("msm: names, bounds and start differ in length");
  for (Eigen::Index j = 0; j < k; ++j)
    if (!(p.lower[j] < p.upper[j]) || p.start[j] < p.lower[j] || p.start[j] > p.upper[j])
      throw std::invalid_argument(fmt::format("msm: {}: start {} is not within lower {} < upper {}",
                                              p.names[static_cast<std::size_t>(j)], p.start[j], p.lower[j],
                                              p.upper[j]));
  if (p.targets.size() == 0 || p.standard_errors.size() != p.targets.size())
    throw std::invalid_argument("msm: targets and standard errors differ in length");
  if ((p.standard_errors.array() <= 0).any() || !p.standard_errors.allFinite())
    throw std::invalid_argument("msm: every standard error must be positive");
  if (p.target_covariance.size() != 0 &&
      (p.target_covariance.rows() != p.targets.size() || p.target_covariance.cols() != p.targets.size()))
    throw std::invalid_argument("msm: the targets' covariance is not moments x moments");
  if (p.replications < 1) throw std::invalid_argument("msm: replications must be at least 1");
  if (!p.moments) throw std::invalid_argument("msm: no moment function");
}

// Evaluates the moments at theta and logs it.
struct Evaluator {
  const Problem& p;
  std::vector<Evaluation>& log;
  Evaluation operator()(const Eigen::VectorXd& theta, const char* purpose) {
    Evaluation e;
    e.theta = theta;
    e.moments = p.moments(theta);
    if (e.moments.size() != p.targets.size())
      throw std::runtime_error(fmt::format("msm: the model gave {} moments where {} were expected",
                                           e.moments.size(), p.targets.size()));
    e.objective = weighted_residuals(p, e.moments).squaredNorm();
    if (!std::isfinite(e.objective)) e.objective = std::numeric_limits<double>::infinity();
    e.purpose = purpose;
    log.push_back(e);
    return e;
  }
};

Eigen::VectorXd clamp_to(const Problem& p, Eigen::VectorXd theta) {
  return theta.cwiseMax(p.lower).cwiseMin(p.upper);
}

// Nelder-Mead on the parameters scaled to [0, 1], points kept inside the box; from `best`.
Evaluation nelder_mead(const Problem& p, const Options& o, Evaluator& evaluate, const Evaluation& best,
                       int& iterations) {
  const auto k = best.theta.size();
  const Eigen::VectorXd range = p.upper - p.lower;
  const auto to_theta = [&](const Eigen::VectorXd& u) {
    return clamp_to(p, p.lower + (u.cwiseMax(0.0).cwiseMin(1.0).array() * range.array()).matrix());
  };
  std::vector<Eigen::VectorXd> points{((best.theta - p.lower).array() / range.array()).matrix()};
  std::vector<double> values{best.objective};
  for (Eigen::Index j = 0; j < k; ++j) {
    Eigen::VectorXd u = points.front();
    u[j] += u[j] + 0.1 <= 1.0 ? 0.1 : -0.1;
    points.push_back(u);
    values.push_back(evaluate(to_theta(u), "simplex").objective);
  }
  // (Room is kept for the Jacobian at the estimate, 2k evaluations.)
  while (static_cast<int>(evaluate.log.size() + 2 * static_cast<std::size_t>(k)) < o.max_evaluations) {
    ++iterations;
    std::vector<std::size_t> order(points.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
    const std::size_t lo = order.front(), hi = order.back(), next = order[order.size() - 2];
    if (values[hi] - values[lo] <= o.tolerance * (1 + std::abs(values[lo]))) break;
    Eigen::VectorXd centre = Eigen::VectorXd::Zero(k);
    for (std::size_t q = 0; q < points.size(); ++q)
      if (q != hi) centre += points[q] / static_cast<double>(k);
    const auto try_at = [&](double t) {
      const Eigen::VectorXd u = centre + t * (points[hi] - centre);
      return std::pair{u, evaluate(to_theta(u), "simplex").objective};
    };
    auto [reflected, fr] = try_at(-1.0);
    if (fr < values[lo]) {
      auto [expanded, fe] = try_at(-2.0);
      if (fe < fr) {
        points[hi] = expanded;
        values[hi] = fe;
      } else {
        points[hi] = reflected;
        values[hi] = fr;
      }
    } else if (fr < values[next]) {
      points[hi] = reflected;
      values[hi] = fr;
    } else {
      auto [contracted, fc] = try_at(fr < values[hi] ? -0.5 : 0.5);
      if (fc < std::min(fr, values[hi])) {
        points[hi] = contracted;
        values[hi] = fc;
      } else {  // shrink toward the best
        for (std::size_t q = 0; q < points.size(); ++q) {
          if (q == lo) continue;
          points[q] = points[lo] + 0.5 * (points[q] - points[lo]);
          values[q] = evaluate(to_theta(points[q]), "simplex").objective;
        }
      }
    }
  }
  const auto at = static_cast<std::size_t>(std::min_element(values.begin(), values.end()) - values.begin());
  const Eigen::VectorXd theta = to_theta(points[at]);
  // The best point's evaluation, as logged.
  for (auto it = evaluate.log.rbegin(); it != evaluate.log.rend(); ++it)
    if (it->theta == theta && it->objective == values[at]) return *it;
  return evaluate(theta, "simplex");
}

}  // namespace

Eigen::VectorXd weighted_residuals(const Problem& p, const Eigen::VectorXd& moments) {
  return ((moments - p.targets).array() / p.standard_errors.array()).matrix();
}

Eigen::MatrixXd sandwich_covariance(const Eigen::MatrixXd& g, const Eigen::VectorXd& standard_errors,
                                    const Eigen::MatrixXd& target_covariance, int replications) {
  const Eigen::VectorXd w = standard_errors.array().square().inverse().matrix();  // diag of W
  const Eigen::MatrixXd omega = target_covariance.size() != 0
                                    ? target_covariance
                                    : Eigen::MatrixXd(standard_errors.array().square().matrix().asDiagonal());
  const Eigen::MatrixXd wg = w.asDiagonal() * g;
  const Eigen::MatrixXd bread = g.transpose() * wg;  // G'WG
  const Eigen::MatrixXd meat = wg.transpose() * omega * wg;
  // (G'WG)^-1 by its eigen decomposition (symmetric), zero eigenvalues left out: a parameter
  // the moments do not identify gets no finite variance (identification() flags it).
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(bread);
  const Eigen::VectorXd values = eigen.eigenvalues();
  const double largest = values.cwiseAbs().maxCoeff();
  Eigen::VectorXd inverse_values(values.size());
  for (Eigen::Index i = 0; i < values.size(); ++i)
    inverse_values[i] = values[i] > 1e-12 * largest && largest > 0 ? 1.0 / values[i] : 0.0;
  const Eigen::MatrixXd inverse =
      eigen.eigenvectors() * inverse_values.asDiagonal() * eigen.eigenvectors().transpose();
  return (1.0 + 1.0 / replications) * inverse * meat * inverse;
}

Identification identification(const Eigen::MatrixXd& g, const Eigen::VectorXd& standard_errors,
                              double rank_tolerance) {
  const Eigen::MatrixXd m = standard_errors.array().inverse().matrix().asDiagonal() * g;  // W^1/2 G
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(m, Eigen::ComputeFullV);
  Identification id;
  id.singular_values = svd.singularValues();
  const auto k = g.cols();
  const double largest = id.singular_values.size() > 0 ? id.singular_values.maxCoeff() : 0.0;
  // Singular values come largest first; with fewer moments than parameters the missing ones are 0.
  Eigen::VectorXd all = Eigen::VectorXd::Zero(k);
  all.head(id.singular_values.size()) = id.singular_values;
  id.identified.assign(static_cast<std::size_t>(k), true);
  Eigen::VectorXd in_null = Eigen::VectorXd::Zero(k);  // weight of each parameter on the null directions
  for (Eigen::Index i = 0; i < k; ++i) {
    if (largest > 0 && all[i] > rank_tolerance * largest) {
      ++id.rank;
    } else {
      in_null += svd.matrixV().col(i).array().square().matrix();
    }
  }
  const double smallest = all.minCoeff();
  id.condition = smallest > 0 ? largest / smallest : std::numeric_limits<double>::infinity();
  for (Eigen::Index j = 0; j < k; ++j)
    if (in_null[j] > 0.1) id.identified[static_cast<std::size_t>(j)] = false;
  return id;
}

Eigen::MatrixXd jacobian(const Problem& p, const Options& o, const Eigen::VectorXd& theta,
                         std::vector<Evaluation>& log) {
  Evaluator evaluate{p, log};
  Eigen::MatrixXd g(p.targets.size(), theta.size());
  for (Eigen::Index j = 0; j < theta.size(); ++j) {
    const double h = o.difference_step * (p.upper[j] - p.lower[j]);
    Eigen::VectorXd plus = theta, minus = theta;
    plus[j] = std::min(theta[j] + h, p.upper[j]);
    minus[j] = std::max(theta[j] - h, p.lower[j]);
    g.col(j) =
        (evaluate(plus, "jacobian").moments - evaluate(minus, "jacobian").moments) / (plus[j] - minus[j]);
  }
  return g;
}

Fit fit(const Problem& p, const Options& o) {
  check(p);
  Fit f;
  Evaluator evaluate{p, f.evaluations};
  Evaluation best = evaluate(p.start, "start");
  const Eigen::VectorXd range = p.upper - p.lower;
  const auto residuals_of = [&](const Evaluation& e) { return weighted_residuals(p, e.moments); };
  const Eigen::VectorXd inverse_se = p.standard_errors.array().inverse().matrix();
  // Levenberg-Marquardt on r = (m - y) / se, damping by the diagonal of J'J (Marquardt's scaling).
  double lambda = 1e-2;
  bool stalled = false, out_of_budget = false;
  f.stop_reason = "evaluation budget used";
  // Every pass needs 2k evaluations for its Jacobian, and 2k are kept for the one at the estimate.
  const auto jacobian_cost = 2 * best.theta.size();
  while (f.iterations < o.max_iterations &&
         static_cast<int>(f.evaluations.size()) + 2 * jacobian_cost < o.max_evaluations) {
    ++f.iterations;
    const Eigen::MatrixXd g = jacobian(p, o, best.theta, f.evaluations);
    const Eigen::MatrixXd jr = inverse_se.asDiagonal() * g;
    const Eigen::VectorXd r = residuals_of(best);
    const Eigen::MatrixXd a = jr.transpose() * jr;
    const Eigen::VectorXd gradient = jr.transpose() * r;
    bool improved = false;
    while (lambda < 1e10) {
      if (static_cast<int>(f.evaluations.size()) + jacobian_cost >= o.max_evaluations) {
        out_of_budget = true;
        break;
      }
      Eigen::MatrixXd damped = a;
      for (Eigen::Index j = 0; j < a.rows(); ++j) damped(j, j) += lambda * std::max(a(j, j), 1e-12);
      const Eigen::VectorXd step = damped.ldlt().solve(-gradient);
      const Eigen::VectorXd theta = clamp_to(p, best.theta + step);
      if (((theta - best.theta).array() / range.array()).abs().maxCoeff() < o.tolerance) {
        lambda *= 4;
        continue;
      }
      const Evaluation trial = evaluate(theta, "step");
      if (trial.objective < best.objective) {
        const double drop = best.objective - trial.objective;
        const double moved = ((trial.theta - best.theta).array() / range.array()).abs().maxCoeff();
        best = trial;
        lambda = std::max(lambda / 3, 1e-7);
        improved = true;
        if (drop <= o.tolerance * (1 + best.objective) || moved < o.tolerance) {
          f.converged = true;
          f.stop_reason = "the objective stopped falling";
        }
        break;
      }
      lambda *= 4;
    }
    if (f.converged) break;
    if (!improved) {
      stalled = !out_of_budget;  // the budget, not the objective, stopped the damped steps
      break;
    }
  }
  f.method = "levenberg-marquardt";
  if (stalled) {
    // No damped step lowers Q: a minimum, or a step-like objective that finite differences misread.
    // The simplex, which needs no derivatives, checks from here.
    const Evaluation before = best;
    best = nelder_mead(p, o, evaluate, best, f.iterations);
    f.method = "levenberg-marquardt, then nelder-mead";
    f.converged = static_cast<int>(f.evaluations.size() + 2 * static_cast<std::size_t>(best.theta.size())) <
                  o.max_evaluations;
    f.stop_reason = best.objective < before.objective ? "the simplex found a lower objective and converged"
                                                      : "no step lowered the objective (a minimum)";
    if (!f.converged) f.stop_reason = "evaluation budget used";
  }
  f.theta = best.theta;
  f.moments = best.moments;
  f.residuals = residuals_of(best);
  f.objective = best.objective;
  f.jacobian = jacobian(p, o, f.theta, f.evaluations);
  f.identification = identification(f.jacobian, p.standard_errors, o.rank_tolerance);
  f.covariance = sandwich_covariance(f.jacobian, p.standard_errors, p.target_covariance, p.replications);
  for (Eigen::Index j = 0; j < f.theta.size(); ++j)
    if (!f.identification.identified[static_cast<std::size_t>(j)]) {
      f.covariance.row(j).setConstant(kNaN);
      f.covariance.col(j).setConstant(kNaN);
    }
  f.standard_errors = f.covariance.diagonal().cwiseMax(0.0).cwiseSqrt();
  for (Eigen::Index j = 0; j < f.theta.size(); ++j)
    if (std::isnan(f.covariance(j, j))) f.standard_errors[j] = kNaN;
  return f;
}

}  // namespace valinta::msm
