# Reference values for cop-eval's wave comparison (tests/test_effects.py, test_waves.py,
# test_mixed.py, test_change.py).
#
#   Rscript tests/reference/waves.R      (run from the repository root)
#
# Writes tests/reference/waves_orthodont.csv (the data, long form) and tests/reference/waves.json.
# R 4.2.2, stats 4.2.2, nlme 3.1.162, jsonlite. Effect sizes are written out below (the
# effectsize package is not installed); the confidence intervals for d use the noncentral-t
# inversion that effectsize::cohens_d / hedges_g use (Steiger & Fouladi 1997).
#
# Data sets
# - sleep (base R datasets): extra sleep under two drugs, 10 patients; paired and Welch t-tests.
# - The two examples of ?wilcox.test (Hollander & Wolfe 1973, pp. 29 and 69): no ties, so
#   R's exact signed-rank and rank-sum p-values apply.
# - nlme::Orthodont (Potthoff & Roy 1964): distance (mm) at ages 8, 10, 12, 14 for 27 children.
#   The ages are used as four survey waves; a few values are deleted to give attrition and new
#   joiners. Scales: "distance" and "log_distance" (= log(distance), a second scale for Holm).

suppressPackageStartupMessages({
  library(nlme)
  library(jsonlite)
})

out_dir <- "tests/reference"

# ---- effect sizes, written out ------------------------------------------------------------
ncp_ci <- function(t, df, level = 0.95) {
  # Noncentrality parameters whose noncentral t puts t at the upper / lower alpha/2 point.
  alpha <- 1 - level
  # pt() warns about precision far out in the bracket; the roots are unaffected.
  f <- function(ncp, prob) suppressWarnings(pt(t, df, ncp)) - prob
  width <- 10 + abs(t) * 2
  lo <- uniroot(f, c(t - width, t + width), prob = 1 - alpha / 2, tol = 1e-12)$root
  hi <- uniroot(f, c(t - width, t + width), prob = alpha / 2, tol = 1e-12)$root
  c(lo, hi)
}
hedges_j <- function(df) exp(lgamma(df / 2) - log(sqrt(df / 2)) - lgamma((df - 1) / 2))

paired_block <- function(later, earlier, exact = NULL, reliability = NULL) {
  d <- later - earlier
  n <- length(d)
  tt <- t.test(later, earlier, paired = TRUE)
  dz <- mean(d) / sd(d)
  dz_ci <- ncp_ci(dz * sqrt(n), n - 1) / sqrt(n)
  d_av <- mean(d) / ((sd(later) + sd(earlier)) / 2)         # Lakens (2013), eq. 10
  w <- suppressWarnings(wilcox.test(later, earlier, paired = TRUE, exact = exact,
                                    correct = TRUE))
  res <- list(
    n = n, mean_diff = unname(tt$estimate), ci = as.numeric(tt$conf.int),
    statistic = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value,
    d_z = dz, d_z_ci = dz_ci, d_av = d_av,
    # whether R used the exact distribution: wanted (exact = TRUE, or NULL and < 50 non-zero
    # differences) and possible (no ties, no zero differences)
    wilcoxon = list(statistic = unname(w$statistic), p = w$p.value,
                    exact = (if (is.null(exact)) sum(d != 0) < 50 else exact) &&
                      !any(d == 0) && !any(duplicated(abs(d[d != 0]))))
  )
  if (!is.null(reliability)) {
    s_diff <- sqrt(2) * sd(earlier) * sqrt(1 - reliability)   # Jacobson & Truax (1991)
    rci <- d / s_diff
    res$reliable_change <- list(reliability = reliability, s_diff = s_diff,
                                improved = sum(rci > 1.96), deteriorated = sum(rci < -1.96),
                                unchanged = sum(abs(rci) <= 1.96))
  }
  res
}

welch_block <- function(later, earlier, exact = NULL) {
  n1 <- length(later); n2 <- length(earlier)
  tt <- t.test(later, earlier, var.equal = FALSE)
  sp <- sqrt(((n1 - 1) * var(later) + (n2 - 1) * var(earlier)) / (n1 + n2 - 2))
  d <- (mean(later) - mean(earlier)) / sp
  t_pooled <- d / sqrt(1 / n1 + 1 / n2)
  d_ci <- ncp_ci(t_pooled, n1 + n2 - 2) * sqrt(1 / n1 + 1 / n2)
  J <- hedges_j(n1 + n2 - 2)
  w <- suppressWarnings(wilcox.test(later, earlier, paired = FALSE, exact = exact,
                                    correct = TRUE))
  list(
    n = n1 + n2, n_from = n2, n_to = n1,
    mean_diff = mean(later) - mean(earlier), ci = as.numeric(tt$conf.int),
    statistic = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value,
    hedges_g = d * J, hedges_g_ci = d_ci * J, cohens_d = d,
    mann_whitney = list(statistic = unname(w$statistic), p = w$p.value,
                        exact = (if (is.null(exact)) n1 < 50 && n2 < 50 else exact) &&
                          !any(duplicated(c(later, earlier))))
  )
}

ref <- list()

# ---- sleep ----------------------------------------------------------------------------------
s1 <- sleep$extra[sleep$group == 1]
s2 <- sleep$extra[sleep$group == 2]
ref$sleep <- list(
  drug1 = s1, drug2 = s2,
  # sleep has ties and zero differences: R's normal approximation with continuity correction.
  paired = paired_block(s2, s1, exact = FALSE, reliability = 0.8),
  welch = welch_block(s2, s1, exact = FALSE)
)

# ---- ?wilcox.test examples (no ties: exact) -------------------------------------------------
hw_x <- c(1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30)
hw_y <- c(0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29)
hw_a <- c(0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46)
hw_b <- c(1.15, 0.88, 0.90, 0.74, 1.21)
ref$hollander_wolfe <- list(
  paired_x = hw_x, paired_y = hw_y,
  # wilcox.test(y, x, paired = TRUE): later = y, earlier = x
  paired_exact = paired_block(hw_y, hw_x, exact = TRUE),
  paired_approx = paired_block(hw_y, hw_x, exact = FALSE),
  indep_a = hw_a, indep_b = hw_b,
  indep_exact = welch_block(hw_b, hw_a, exact = TRUE),
  indep_approx = welch_block(hw_b, hw_a, exact = FALSE)
)

# ---- Orthodont as four waves ----------------------------------------------------------------
ortho <- as.data.frame(Orthodont)
ortho$Subject <- as.character(ortho$Subject)
ortho$Sex <- as.character(ortho$Sex)
drop <- (ortho$Subject == "M05" & ortho$age == 14) |
  (ortho$Subject == "F03" & ortho$age == 12) |
  (ortho$Subject == "M10" & ortho$age %in% c(8, 10)) |     # joins at age 12
  (ortho$Subject == "F07" & ortho$age == 14) |
  (ortho$Subject == "M16" & ortho$age %in% c(12, 14)) |     # leaves after age 10
  (ortho$Subject == "F11" & ortho$age == 10)
ortho <- ortho[!drop, ]
ortho$log_distance <- log(ortho$distance)
ortho$wave <- paste0("age", ortho$age)
write.csv(ortho[, c("Subject", "Sex", "wave", "distance", "log_distance")],
          file.path(out_dir, "waves_orthodont.csv"), row.names = FALSE)

waves <- c("age8", "age10", "age12", "age14")
scales <- c("distance", "log_distance")
pairs <- list(c("age8", "age10"), c("age10", "age12"), c("age12", "age14"), c("age8", "age14"))
reliability <- c(distance = 0.85, log_distance = 0.80)

wide <- function(scale) {
  w <- reshape(ortho[, c("Subject", "wave", scale)], idvar = "Subject", timevar = "wave",
               direction = "wide")
  names(w) <- sub(paste0(scale, "."), "", names(w), fixed = TRUE)
  w
}

pair_results <- function(data, design) {
  out <- list()
  for (pr in pairs) {
    key <- paste(pr, collapse = "->")
    per_scale <- list()
    for (sc in scales) {
      if (design == "paired") {
        w <- wide(sc)
        w <- w[w$Subject %in% data$Subject, ]
        ok <- !is.na(w[[pr[1]]]) & !is.na(w[[pr[2]]])
        # exact = NULL: R's own choice (exact when < 50 non-zero differences and no ties)
        b <- paired_block(w[[pr[2]]][ok], w[[pr[1]]][ok], exact = NULL,
                          reliability = reliability[[sc]])
        ids1 <- data$Subject[data$wave == pr[1]]
        ids2 <- data$Subject[data$wave == pr[2]]
        b$attrition <- length(setdiff(ids1, ids2))
        b$new_joiners <- length(setdiff(ids2, ids1))
      } else {
        b <- welch_block(data[[sc]][data$wave == pr[2]], data[[sc]][data$wave == pr[1]],
                         exact = NULL)
      }
      per_scale[[sc]] <- b
    }
    ps <- sapply(per_scale, function(b) b$p)
    holm <- p.adjust(ps, method = "holm")
    for (sc in scales) per_scale[[sc]]$p_holm <- unname(holm[[sc]])
    out[[key]] <- per_scale
  }
  out
}

wave_stats <- list()
for (sc in scales) {
  wave_stats[[sc]] <- lapply(waves, function(wv) {
    x <- ortho[[sc]][ortho$wave == wv]
    tt <- t.test(x)
    list(label = wv, n = length(x), mean = mean(x), sd = sd(x), ci = as.numeric(tt$conf.int))
  })
}

trend <- list()
ols <- list()
for (sc in scales) {
  d <- ortho
  d$score <- d[[sc]]
  d$wave <- factor(d$wave, levels = waves)
  fit <- lme(score ~ wave, random = ~ 1 | Subject, data = d, method = "REML")
  trend[[sc]] <- list(
    estimates = unname(fixef(fit)), se = unname(sqrt(diag(vcov(fit)))),
    names = names(fixef(fit)),
    sigma = fit$sigma, tau = as.numeric(VarCorr(fit)["(Intercept)", "StdDev"]),
    logLik = as.numeric(logLik(fit))
  )
  lfit <- lm(score ~ wave, data = d)           # respondents not linked: one row per answer
  ols[[sc]] <- list(estimates = unname(coef(lfit)),
                    se = unname(sqrt(diag(vcov(lfit)))))
}

# Subgroups (Sex) on the paired design, BH across the subgroup x scale grid per wave pair.
by_sex <- list()
for (pr in pairs) {
  key <- paste(pr, collapse = "->")
  cells <- list()
  for (sx in c("Female", "Male")) {
    for (sc in scales) {
      w <- wide(sc)
      w <- w[w$Subject %in% ortho$Subject[ortho$Sex == sx], ]
      ok <- !is.na(w[[pr[1]]]) & !is.na(w[[pr[2]]])
      b <- paired_block(w[[pr[2]]][ok], w[[pr[1]]][ok], exact = FALSE)
      cells[[paste(sx, sc, sep = "|")]] <- list(group = sx, scale = sc, n = b$n,
                                                 mean_diff = b$mean_diff, p = b$p, d_z = b$d_z)
    }
  }
  bh <- p.adjust(sapply(cells, function(c) c$p), method = "BH")
  for (k in names(cells)) cells[[k]]$p_bh <- unname(bh[[k]])
  by_sex[[key]] <- unname(cells)
}

ref$orthodont <- list(
  waves = waves, scales = scales, reliability = as.list(reliability),
  wave_stats = wave_stats,
  paired = pair_results(ortho, "paired"),
  independent = pair_results(ortho, "independent"),
  trend = trend, ols = ols, by_sex = by_sex
)

# p.adjust on a fixed vector (with a tie and an NA-free grid)
p_vec <- c(0.01, 0.04, 0.03, 0.005, 0.2, 0.04, 0.5)
ref$p_adjust <- list(p = p_vec, holm = p.adjust(p_vec, "holm"), bh = p.adjust(p_vec, "BH"))

ref$versions <- list(R = R.version.string, nlme = as.character(packageVersion("nlme")))
writeLines(toJSON(ref, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path(out_dir, "waves.json"))
