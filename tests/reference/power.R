# Reference values for cop-eval's power figures (tests/stats/test_power.py): the smallest
# effect a two-sided t-test detects with 80% power, and the n needed to detect an effect.
#
#   Rscript tests/reference/power.R      (run from the repository root)
#
# Writes tests/reference/power.json. R 4.2.2, pwr 1.3.0, jsonlite 1.8.4.
#
# pwr.t.test / pwr.t2n.test solve for d (or n) with uniroot's default tolerance
# (.Machine$double.eps^0.25, about 1e-4), so their d is exact to about 4 decimals only. Each case
# is therefore also solved with uniroot at tol = 1e-12 on pwr's own power function
# (the "exact" values), which the tests compare to 1e-7.

suppressPackageStartupMessages({
  library(pwr)
  library(jsonlite)
})

out_dir <- "tests/reference"

exact_d <- function(power_of) {
  uniroot(function(d) power_of(d) - target, c(1e-7, 20), tol = 1e-12)$root
}

paired <- list()
for (case in list(c(5, .8, .05), c(8, .8, .05), c(10, .8, .05), c(20, .8, .05),
                  c(39, .8, .05), c(41, .8, .05), c(47, .8, .05), c(100, .8, .05),
                  c(1000, .8, .05), c(39, .9, .05), c(39, .8, .01), c(3, .8, .05))) {
  n <- case[1]; target <- case[2]; alpha <- case[3]
  r <- pwr.t.test(n = n, power = target, sig.level = alpha, type = "paired")
  ex <- exact_d(function(d) pwr.t.test(n = n, d = d, sig.level = alpha, type = "paired")$power)
  paired[[length(paired) + 1]] <- list(n = n, power = target, alpha = alpha,
                                       d_pwr = r$d, d_exact = ex)
}

independent <- list()
for (case in list(c(5, 5, .8, .05), c(8, 39, .8, .05), c(9, 38, .8, .05), c(47, 47, .8, .05),
                  c(20, 30, .8, .05), c(500, 400, .8, .05), c(47, 47, .9, .05),
                  c(47, 47, .8, .01), c(3, 3, .8, .05))) {
  n1 <- case[1]; n2 <- case[2]; target <- case[3]; alpha <- case[4]
  r <- pwr.t2n.test(n1 = n1, n2 = n2, power = target, sig.level = alpha)
  ex <- exact_d(function(d) pwr.t2n.test(n1 = n1, n2 = n2, d = d, sig.level = alpha)$power)
  independent[[length(independent) + 1]] <- list(n1 = n1, n2 = n2, power = target,
                                                 alpha = alpha, d_pwr = r$d, d_exact = ex)
}

required <- list()
for (type in c("paired", "two.sample")) {
  for (d in c(0.2, 0.3, 0.46, 0.5, 0.8, 1.2)) {
    r <- pwr.t.test(d = d, power = .8, sig.level = .05, type = type)
    required[[length(required) + 1]] <- list(
      design = if (type == "paired") "paired" else "independent",
      d = d, n = r$n, n_ceiling = ceiling(r$n))
  }
}

out <- list(
  paired = paired, independent = independent, required = required,
  versions = list(R = R.version.string, pwr = as.character(packageVersion("pwr")),
                  jsonlite = as.character(packageVersion("jsonlite")))
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path(out_dir, "power.json"))
