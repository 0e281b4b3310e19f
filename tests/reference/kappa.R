# Reference values for Cohen's kappa with its confidence interval (tests/stats/test_kappa.py).
#
#   Rscript tests/reference/kappa.R      (run from the repository root)
#
# Writes tests/reference/kappa.json. R 4.2.2, psych 2.2.9, jsonlite.
# Call: psych::cohen.kappa(cbind(first, second)) -> $kappa, $confid["unweighted kappa", ],
# $var.kappa, $n.obs. The codings are made here with a fixed seed so the script is re-runnable.
#
# Cases
# - theme_*: binary codes (theme present 1 / absent 0) of one theme by two coders, as a coding
#   sheet gives them: 60 comments, agreement of about 85%, 75%, 95%; a rare theme (5 of 60);
#   a coder who disagrees more than chance (negative kappa).
# - three_categories: a nominal code with three values (psych's general case).
# - two_by_two: a 2x2 table given as units
#   (40 agree yes, 10 and 5 disagree, 45 agree no).

suppressPackageStartupMessages({
  library(psych)
  library(jsonlite)
})

set.seed(20250315)
cases <- list()
add <- function(name, a, b) {
  k <- suppressWarnings(cohen.kappa(cbind(a, b)))
  cases[[name]] <<- list(
    first = a, second = b,
    kappa = unname(k$kappa),
    lower = unname(k$confid["unweighted kappa", "lower"]),
    upper = unname(k$confid["unweighted kappa", "upper"]),
    var = unname(k$var.kappa),
    n = unname(k$n.obs)
  )
}
flip <- function(x, p) ifelse(runif(length(x)) < p, 1 - x, x)
base <- rbinom(60, 1, 0.35)
add("theme_85", base, flip(base, 0.15))
add("theme_75", base, flip(base, 0.25))
add("theme_95", base, flip(base, 0.05))
rare <- c(rep(1, 5), rep(0, 55))
add("theme_rare", rare, c(1, 1, 1, 0, 0, 1, rep(0, 54)))
add("negative", base, flip(base, 0.6))
three <- sample(c("a", "b", "c"), 50, replace = TRUE, prob = c(0.5, 0.3, 0.2))
other <- ifelse(runif(50) < 0.3, sample(c("a", "b", "c"), 50, replace = TRUE), three)
add("three_categories", three, other)
add("two_by_two", c(rep(1, 40), rep(1, 10), rep(0, 5), rep(0, 45)),
    c(rep(1, 40), rep(0, 10), rep(1, 5), rep(0, 45)))

meta <- list(
  r = R.version.string,
  psych = as.character(packageVersion("psych")),
  call = "psych::cohen.kappa(cbind(first, second))"
)
write_json(list(meta = meta, cases = cases), "tests/reference/kappa.json",
           auto_unbox = TRUE, digits = NA, pretty = TRUE)
