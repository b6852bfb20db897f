// The method of simulated moments (study/msm): its algebra against small cases worked by hand,
// the optimiser on smooth, curved and bounded problems, and the flags of parameters the moments
// cannot identify.
#include "valinta/study/msm.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace valinta {
namespace {

// m(theta) = A theta + b with A = [[1, 0], [0, 2], [1, 1]], b = (0.5, 0, -1).
msm::Problem linear_problem(const Eigen::Vector2d& truth) {
  Eigen::MatrixXd a(3, 2);
  a << 1, 0, 0, 2, 1, 1;
  const Eigen::Vector3d b(0.5, 0, -1);
  msm::Problem p;
  p.names = {"x", "y"};
  p.lower = Eigen::Vector2d(-10, -10);
  p.upper = Eigen::Vector2d(10, 10);
  p.start = Eigen::Vector2d(0, 0);
  p.targets = a * truth + b;
  p.standard_errors = Eigen::Vector3d(1, 2, 1);
  p.replications = 4;
  p.moments = [a, b](const Eigen::VectorXd& theta) -> Eigen::VectorXd { return a * theta + b; };
  return p;
}

// By hand: W = diag(1, 1/4, 1), G'WG = [[2, 1], [1, 2]], its inverse [[2, -1], [-1, 2]] / 3; with
// R = 4 replications V = 1.25 x that.
TEST(Msm, LinearModelIsFittedExactlyWithTheHandComputedCovariance) {
  const msm::Fit f = msm::fit(linear_problem(Eigen::Vector2d(1.5, -2)));
  EXPECT_TRUE(f.converged) << f.stop_reason;
  EXPECT_NEAR(f.theta[0], 1.5, 1e-6);
  EXPECT_NEAR(f.theta[1], -2.0, 1e-6);
  EXPECT_LT(f.objective, 1e-10);
  EXPECT_NEAR(f.jacobian(1, 1), 2.0, 1e-9);
  EXPECT_NEAR(f.covariance(0, 0), 1.25 * 2 / 3, 1e-9);
  EXPECT_NEAR(f.covariance(0, 1), -1.25 / 3, 1e-9);
  EXPECT_NEAR(f.covariance(1, 1), 1.25 * 2 / 3, 1e-9);
  EXPECT_NEAR(f.standard_errors[0], std::sqrt(1.25 * 2 / 3), 1e-9);
  EXPECT_EQ(f.identification.rank, 2);
  EXPECT_TRUE(f.identification.identified[0] && f.identification.identified[1]);
  // Singular values of W^1/2 G are the roots of G'WG's eigenvalues, 3 and 1.
  EXPECT_NEAR(f.identification.condition, std::sqrt(3.0), 1e-9);
  EXPECT_EQ(f.method, "levenberg-marquardt");
  EXPECT_EQ(f.evaluations.front().purpose, "start");
}

// With a covariance of the targets other than W^-1 the full sandwich applies: Omega = 4 I gives
// G'W Omega W G = [[8, 4], [4, 5]], and 1.25 x [[2, -1], [-1, 2]] / 3 x that x the same is
// 1.25 x [[21, -6], [-6, 12]] / 9.
TEST(Msm, SandwichWithAnotherTargetCovariance) {
  Eigen::MatrixXd g(3, 2);
  g << 1, 0, 0, 2, 1, 1;
  const Eigen::MatrixXd v =
      msm::sandwich_covariance(g, Eigen::Vector3d(1, 2, 1), 4 * Eigen::MatrixXd::Identity(3, 3), 4);
  EXPECT_NEAR(v(0, 0), 1.25 * 21 / 9, 1e-12);
  EXPECT_NEAR(v(0, 1), -1.25 * 6 / 9, 1e-12);
  EXPECT_NEAR(v(1, 0), -1.25 * 6 / 9, 1e-12);
  EXPECT_NEAR(v(1, 1), 1.25 * 12 / 9, 1e-12);
}

// Moments that see only x + y (and z): x and y cannot be told apart and are flagged, z is not;
// their variances are not finite numbers, z's is.
TEST(Msm, ParametersTheMomentsCannotSeparateAreFlagged) {
  msm::Problem p;
  p.names = {"x", "y", "z"};
  p.lower = Eigen::Vector3d(0, 0, 0);
  p.upper = Eigen::Vector3d(1, 1, 1);
  p.start = Eigen::Vector3d(0.5, 0.5, 0.5);
  p.targets = Eigen::Vector3d(0.9, 1.1, 0.2);
  p.standard_errors = Eigen::Vector3d(0.1, 0.1, 0.1);
  p.moments = [](const Eigen::VectorXd& t) -> Eigen::VectorXd {
    return Eigen::Vector3d(t[0] + t[1], t[0] + t[1] + t[2], t[2]);
  };
  const msm::Fit f = msm::fit(p);
  EXPECT_EQ(f.identification.rank, 2);
  EXPECT_FALSE(f.identification.identified[0]);
  EXPECT_FALSE(f.identification.identified[1]);
  EXPECT_TRUE(f.identification.identified[2]);
  EXPECT_TRUE(std::isinf(f.identification.condition));
  EXPECT_TRUE(std::isnan(f.standard_errors[0]));
  EXPECT_TRUE(std::isfinite(f.standard_errors[2]));
  EXPECT_NEAR(f.theta[0] + f.theta[1], 0.9, 0.02);
  EXPECT_NEAR(f.theta[2], 0.2, 0.02);
}

// A parameter that moves no moment at all is flagged too.
TEST(Msm, AParameterWithoutEffectIsFlagged) {
  Eigen::MatrixXd g(2, 2);
  g << 1, 0, 3, 0;
  const msm::Identification id = msm::identification(g, Eigen::Vector2d(1, 1), 1e-6);
  EXPECT_EQ(id.rank, 1);
  EXPECT_TRUE(id.identified[0]);
  EXPECT_FALSE(id.identified[1]);
}

// A curved valley (Rosenbrock's residuals 10 (y - x^2), 1 - x): the damped steps find (1, 1).
TEST(Msm, CurvedProblemConverges) {
  msm::Problem p;
  p.names = {"x", "y"};
  p.lower = Eigen::Vector2d(-2, -2);
  p.upper = Eigen::Vector2d(2, 2);
  p.start = Eigen::Vector2d(-1.2, 1);
  p.targets = Eigen::Vector2d(0, 0);
  p.standard_errors = Eigen::Vector2d(1, 1);
  p.moments = [](const Eigen::VectorXd& t) -> Eigen::VectorXd {
    return Eigen::Vector2d(10 * (t[1] - t[0] * t[0]), 1 - t[0]);
  };
  msm::Options o;
  o.difference_step = 1e-4;
  o.max_iterations = 100;
  o.max_evaluations = 1000;
  const msm::Fit f = msm::fit(p, o);
  EXPECT_NEAR(f.theta[0], 1.0, 1e-3);
  EXPECT_NEAR(f.theta[1], 1.0, 2e-3);
}

// A target no parameter value inside the bounds reaches: the estimate stays on the bound.
TEST(Msm, EstimatesStayWithinTheBounds) {
  msm::Problem p = linear_problem(Eigen::Vector2d(20, -2));  // x's truth is beyond upper = 10
  const msm::Fit f = msm::fit(p);
  EXPECT_LE(f.theta[0], 10.0);
  EXPECT_NEAR(f.theta[0], 10.0, 1e-6);
  for (const msm::Evaluation& e : f.evaluations) {
    EXPECT_TRUE((e.theta.array() >= p.lower.array()).all());
    EXPECT_TRUE((e.theta.array() <= p.upper.array()).all());
  }
}

// A step-like response (moments of whole residents change in jumps): derivatives misread it and
// the simplex takes over, still landing within a step or two of the truth.
TEST(Msm, StepLikeObjectiveFallsBackToTheSimplex) {
  msm::Problem p;
  p.names = {"x", "y"};
  p.lower = Eigen::Vector2d(0, 0);
  p.upper = Eigen::Vector2d(1, 1);
  p.start = Eigen::Vector2d(0.2, 0.8);
  p.targets = Eigen::Vector2d(0.6, 0.3);
  p.standard_errors = Eigen::Vector2d(0.01, 0.01);
  p.moments = [](const Eigen::VectorXd& t) -> Eigen::VectorXd {
    return Eigen::Vector2d(std::floor(t[0] * 200) / 200, std::floor(t[1] * 200) / 200);
  };
  msm::Options o;
  o.difference_step = 1e-4;  // narrower than a step: the Jacobian is zero
  const msm::Fit f = msm::fit(p, o);
  EXPECT_EQ(f.method, "levenberg-marquardt, then nelder-mead");
  EXPECT_NEAR(f.theta[0], 0.6, 0.02);
  EXPECT_NEAR(f.theta[1], 0.3, 0.02);
}

TEST(Msm, InconsistentProblemsAreRefused) {
  msm::Problem p = linear_problem(Eigen::Vector2d(1, 1));
  p.start[0] = 11;  // outside the bounds
  EXPECT_THROW(msm::fit(p), std::invalid_argument);
  p = linear_problem(Eigen::Vector2d(1, 1));
  p.standard_errors[1] = 0;
  EXPECT_THROW(msm::fit(p), std::invalid_argument);
  p = linear_problem(Eigen::Vector2d(1, 1));
  p.moments = [](const Eigen::VectorXd&) -> Eigen::VectorXd { return Eigen::Vector2d(0, 0); };  // 2, not 3
  EXPECT_THROW(msm::fit(p), std::runtime_error);
}

}  // namespace
}  // namespace valinta
