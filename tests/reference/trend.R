# Reference values for cop-eval's trend model (tests/stats/test_reml_reference.py).
#
#   Rscript tests/reference/trend.R      (run from the repository root)
#
# Writes the data sets, long form, to tests/reference/data/trend_*.csv and the fits to
# tests/reference/trend.json. R 4.2.2, nlme 3.1.162, lme4 1.1.31, jsonlite.
#
# The model is cop-eval's trend model, wave as a categorical fixed effect and a random intercept
# per person:
#   nlme::lme(score ~ factor(wave), random = ~ 1 | id, method = "REML")
# fitted with nlme's defaults ("default") and, to show where nlme's own optimum lies, with its
# tolerances tightened ("tight": msTol, tolerance and the EM iterations); lme4::lmer(score ~
# factor(wave) + (1 | id), REML = TRUE) is recorded beside them.
#
# Data sets
# - nlme::BodyWeight (Crowder & Hand 1990): body weight (g) of 16 rats on 11 days; 176 rows,
#   balanced.
# - datasets::ChickWeight (Crowder & Hand 1990): weight (g) of 50 chicks at 12 ages; 578 rows;
#   chicks that died miss the later ages (people missing whole waves).
# - lme4::sleepstudy (Belenky et al. 2003): reaction time (ms) of 18 subjects over 10 days; 180
#   rows, balanced.
# - "boundary": 40 people x 3 waves simulated with set.seed(20) so that the change from one wave
#   to the next is negatively correlated with the level (the between-person variance estimate is
#   zero: the REML optimum is on the boundary); 12 answers deleted (missing whole waves).
# - "sleepstudy_gaps": sleepstudy with 25 (subject, day) rows deleted at random (set.seed(7)).

suppressPackageStartupMessages({
  library(nlme)
  library(lme4)
  library(jsonlite)
})

out_dir <- "tests/reference"

long <- function(id, wave, score) {
  data.frame(id = as.character(id), wave = as.character(wave), score = as.numeric(score),
             stringsAsFactors = FALSE)
}

sets <- list()
sets$bodyweight <- with(as.data.frame(BodyWeight), long(Rat, Time, weight))
sets$chickweight <- with(as.data.frame(ChickWeight), long(Chick, Time, weight))
sets$sleepstudy <- with(sleepstudy, long(Subject, Days, Reaction))

set.seed(20)
n <- 40
base <- rnorm(n)
b <- long(rep(sprintf("p%02d", 1:n), 3), rep(c("w1", "w2", "w3"), each = n),
          c(base, -base + 0.3, base + 0.5) + rnorm(3 * n, sd = 0.4))
b <- b[-sample(nrow(b), 12), ]
sets$boundary <- b

set.seed(7)
g <- sets$sleepstudy
sets$sleepstudy_gaps <- g[-sample(nrow(g), 25), ]

wave_levels <- function(w) {
  u <- unique(w)
  num <- suppressWarnings(as.numeric(u))
  if (all(!is.na(num))) as.character(sort(num)) else sort(u)
}

fit_one <- function(d, control) {
  d$wave <- factor(d$wave, levels = wave_levels(d$wave))
  fit <- lme(score ~ wave, random = ~ 1 | id, data = d, method = "REML", control = control)
  list(
    estimates = unname(fixef(fit)), se = unname(sqrt(diag(vcov(fit)))),
    sigma2 = fit$sigma^2, tau2 = as.numeric(getVarCov(fit)),  # VarCorr() is rounded text
    logLik = as.numeric(logLik(fit))
  )
}

tight <- lmeControl(maxIter = 500, msMaxIter = 500, niterEM = 100, msMaxEval = 2000,
                    tolerance = 1e-12, msTol = 1e-14, returnObject = TRUE)
ref <- list()
for (name in names(sets)) {
  d <- sets[[name]]
  write.csv(d, file.path(out_dir, "data", paste0("trend_", name, ".csv")), row.names = FALSE)
  d$wave <- factor(d$wave, levels = wave_levels(d$wave))
  m4 <- lmer(score ~ wave + (1 | id), data = d, REML = TRUE)
  vc4 <- as.data.frame(VarCorr(m4))
  ref[[name]] <- list(
    waves = levels(d$wave), n_obs = nrow(d), n_people = length(unique(d$id)),
    default = fit_one(sets[[name]], lmeControl(returnObject = TRUE)),
    tight = fit_one(sets[[name]], tight),
    lme4 = list(estimates = unname(fixef(m4)), se = unname(sqrt(diag(as.matrix(vcov(m4))))),
                sigma2 = vc4$vcov[vc4$grp == "Residual"], tau2 = vc4$vcov[vc4$grp == "id"])
  )
}
ref$versions <- list(R = R.version.string, nlme = as.character(packageVersion("nlme")),
                     lme4 = as.character(packageVersion("lme4")))
writeLines(toJSON(ref, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path(out_dir, "trend.json"))
