#pragma once
// The method of simulated moments: the estimator behind `valinta calibrate` (docs/calibration.md).
//
// Parameters theta (k of them, each within [lower, upper]) are fitted so that the simulated
// moments m(theta) - each the mean over R replications run with common random numbers, the same
// R seeds at every theta - come close to the real ones y, in the metric of their standard errors:
//
//   r(theta) = (m(theta) - y) / se        Q(theta) = r' r        (W = diag(1 / se^2))
//
// Q is minimised by Levenberg-Marquardt on the weighted residuals, with a Jacobian by central
// differences (steps wide enough to see through the step-like response of a model of discrete
// residents) and steps kept inside the bounds; if it stalls, a Nelder-Mead simplex, which needs
// no derivatives, takes over from the best point. At the estimate
//
//   G = dm/dtheta,   V = (1 + 1/R) (G'WG)^-1 G'W Omega W G (G'WG)^-1
//
// is the sandwich covariance with the simulation correction (1 + 1/R) for the noise of simulated
// moments (Omega: the covariance of the real moments, diag(se^2) unless given; with W = Omega^-1
// V reduces to (1 + 1/R) (G'WG)^-1). Parameters the moments cannot pin down are flagged from the
// singular values of W^1/2 G: a direction of the parameters along which the moments barely move.
// The linear algebra is Eigen's.
#include <Eigen/Dense>
#include <functional>
#include <string>
#include <vector>

namespace valinta::msm {

struct Problem {
  std::vector<std::string> names;  // of the parameters, for messages
  Eigen::VectorXd lower, upper, start;
  Eigen::VectorXd targets;            // y: the real moments
  Eigen::VectorXd standard_errors;    // se of the real moments (all > 0)
  Eigen::MatrixXd target_covariance;  // Omega; empty: diag(se^2)
  int replications = 1;               // R, for the simulation correction
  // m(theta): the simulated moments (the mean over the R replications).
  std::function<Eigen::VectorXd(const Eigen::VectorXd&)> moments;
};

struct Options {
  int max_evaluations = 200;  // of the moments, the Jacobian at the estimate included
  int max_iterations = 30;
  // Central-difference step of parameter j: this share of its range upper - lower.
  double difference_step = 0.02;
  double tolerance = 1e-6;  // stop when Q or theta (relative to the range) moves less than this
  // A singular value of W^1/2 G below this share of the largest counts as zero.
  double rank_tolerance = 1e-6;
};

// One evaluation of the moments, in the order they were made.
struct Evaluation {
  Eigen::VectorXd theta, moments;
  double objective = 0;
  std::string purpose;  // "start", "jacobian", "step", "simplex"
};

struct Identification {
  int rank = 0;                  // of W^1/2 G
  double condition = 0;          // largest over smallest singular value (infinity if one is zero)
  std::vector<bool> identified;  // per parameter
  Eigen::VectorXd singular_values;
};

struct Fit {
  Eigen::VectorXd theta, moments, residuals;  // residuals: (m - y) / se
  double objective = 0;
  Eigen::MatrixXd jacobian;    // G = dm/dtheta at theta
  Eigen::MatrixXd covariance;  // V (NaN where a parameter is not identified)
  Eigen::VectorXd standard_errors;
  Identification identification;
  std::vector<Evaluation> evaluations;
  int iterations = 0;
  bool converged = false;
  std::string method;  // "levenberg-marquardt" or "levenberg-marquardt, then nelder-mead"
  std::string stop_reason;
};

// (m - y) / se for these simulated moments.
Eigen::VectorXd weighted_residuals(const Problem& p, const Eigen::VectorXd& moments);

// The sandwich covariance of the estimate (see above); g is moments x parameters.
Eigen::MatrixXd sandwich_covariance(const Eigen::MatrixXd& g, const Eigen::VectorXd& standard_errors,
                                    const Eigen::MatrixXd& target_covariance, int replications);

// Rank, condition and the parameters the moments identify, from the singular values of W^1/2 G.
Identification identification(const Eigen::MatrixXd& g, const Eigen::VectorXd& standard_errors,
                              double rank_tolerance);

// Central differences of the moments at theta (steps shrunk at a bound to stay inside it);
// every evaluation is appended to `log`.
Eigen::MatrixXd jacobian(const Problem& p, const Options& o, const Eigen::VectorXd& theta,
                         std::vector<Evaluation>& log);

// The estimate, its covariance and the identification (throws std::invalid_argument on an
// inconsistent problem).
Fit fit(const Problem& p, const Options& o = {});

}  // namespace valinta::msm
