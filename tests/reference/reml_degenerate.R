# Reference values for the exact REML trend model on small, near-degenerate data
# (tests/stats/test_reml_degenerate.py): the subgroups of a few people where the root search
# used to fail ("f(a) and f(b) must have different signs") or report noise, and the data that
# cannot determine the model at all.
#
#   Rscript tests/reference/reml_degenerate.R      (run from the repository root)
#
# Writes tests/reference/reml_degenerate_data.csv (long form: a score is points / items, as
# the mean of `items` answers on a 1-5 scale is) and tests/reference/reml_degenerate.json.
# R 4.2.2, nlme 3.1.162, jsonlite 1.8.4.
#
# For every case: nlme::lme(score ~ factor(wave), random = ~ 1 | id, method = "REML") with
# nlme's default control ("lme"), the same with opt = "optim" ("lme_optim": a second optimiser,
# so that the reference is nlme's optimum and not where one optimiser stopped), and
# nlme::gls(score ~ factor(wave), method = "REML") ("gls": the same model with no respondent
# variance, i.e. on its boundary). An error is recorded as {"error": message}.
#
# Fitted cases ("fitted": true):
#   grid_root_2w, grid_root_3w  the optimum is exactly at a round intraclass correlation (0.75,
#                               0.6), where answers on a coarse scale put it;
#   boundary_*                  no respondent variance (nlme approaches zero; gls is the
#                               boundary fit);
#   one_pair_interior           one person seen twice, yet a proper optimum inside (0, 1).
# Not fitted ("fitted": false): nlme stops at a residual variance near zero with standard
# errors near zero, or its likelihood is flat (its respondent variance is far from zero with
# the same likelihood as gls's zero), or it fails.

suppressPackageStartupMessages({
  library(nlme)
  library(jsonlite)
})

out_dir <- "tests/reference"

# points[person, wave] (NA = did not answer); score = points / items.
cases <- list(
  grid_root_2w = list(items = 4, fitted = TRUE,
    points = rbind(c(15, 13), c(19, 13), c(10, NA), c(16, 10))),
  grid_root_3w = list(items = 4, fitted = TRUE,
    points = rbind(c(14, 12, 13), c(11, NA, 12))),
  boundary_flat_start = list(items = 4, fitted = TRUE,
    points = rbind(c(NA, 17), c(10, 10), c(10, 15))),
  boundary_one_pair = list(items = 5, fitted = TRUE,
    points = rbind(c(NA, 11), c(NA, 13), c(NA, 18), c(NA, 21), c(7, 20), c(15, NA), c(12, NA))),
  boundary_3w = list(items = 4, fitted = TRUE,
    points = rbind(c(12, 18, NA), c(15, NA, NA), c(9, NA, 10), c(NA, 14, NA), c(NA, 4, NA),
                   c(NA, 14, NA))),
  one_pair_interior = list(items = 3, fitted = TRUE,
    points = rbind(c(10, NA), c(13, NA), c(NA, 11), c(NA, 8), c(NA, 7), c(8, NA), c(7, 4),
                   c(11, NA), c(NA, 8), c(NA, 7), c(NA, 14), c(NA, 10))),
  one_pair_falls = list(items = 4, fitted = FALSE,
    points = rbind(c(NA, 11), c(11, NA), c(11, 13), c(NA, 10), c(NA, 9), c(NA, 16), c(NA, 12))),
  one_pair_flat = list(items = 4, fitted = FALSE,
    points = rbind(c(10, 14), c(12, NA))),
  same_change = list(items = 4, fitted = FALSE,
    points = rbind(c(10, 12, NA), c(NA, 12, 14), c(13, NA, NA), c(16, 18, NA), c(15, NA, NA))),
  exact_3w = list(items = 1, fitted = FALSE,
    points = rbind(c(1, 2, 4), c(2, 3, 5), c(0, 1, 3), c(5, 6, 8))),
  one_wave_constant = list(items = 5, fitted = FALSE,
    points = rbind(c(14, 13), c(NA, 13)))
)

long <- do.call(rbind, lapply(names(cases), function(name) {
  p <- cases[[name]]$points
  d <- data.frame(case = name, id = sprintf("p%02d", as.vector(row(p))), wave = as.vector(col(p)),
                  points = as.vector(p), items = cases[[name]]$items)
  d[!is.na(d$points), ]
}))
write.csv(long, file.path(out_dir, "reml_degenerate_data.csv"), row.names = FALSE)

fit_lme <- function(d, control) {
  tryCatch({
    m <- lme(score ~ factor(wave), random = ~ 1 | id, data = d, method = "REML",
             control = control)
    list(beta = unname(fixef(m)), se = unname(sqrt(diag(vcov(m)))), sigma2 = m$sigma^2,
         tau2 = as.numeric(getVarCov(m)), logLik = as.numeric(logLik(m)))
  }, error = function(e) list(error = conditionMessage(e)))
}
fit_gls <- function(d) {
  tryCatch({
    m <- gls(score ~ factor(wave), data = d, method = "REML")
    list(beta = unname(coef(m)), se = unname(sqrt(diag(vcov(m)))), sigma2 = m$sigma^2,
         logLik = as.numeric(logLik(m)))
  }, error = function(e) list(error = conditionMessage(e)))
}

out <- list()
for (name in names(cases)) {
  d <- long[long$case == name, ]
  d$score <- d$points / d$items
  d$id <- factor(d$id)
  out[[name]] <- list(
    fitted = cases[[name]]$fitted,
    n_waves = ncol(cases[[name]]$points),
    lme = fit_lme(d, lmeControl()),
    lme_optim = fit_lme(d, lmeControl(opt = "optim")),
    gls = fit_gls(d)
  )
}
out$versions <- list(R = R.version.string, nlme = as.character(packageVersion("nlme")),
                     jsonlite = as.character(packageVersion("jsonlite")))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path(out_dir, "reml_degenerate.json"))
