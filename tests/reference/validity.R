# Reference values for tests/stats/test_cfa.py and tests/measure/test_validity.py.
#
# Run from the repository root:   Rscript tests/reference/validity.R
# Produced with R 4.2.2, lavaan 0.6-14, semTools 0.5-6, psychTools 2.2.9, jsonlite 1.8.4.
# Running it again rewrites validity.json and the two data files byte for byte.
#
# Data (both shipped in tests/reference/data/):
#   lavaan::HolzingerSwineford1939   301 pupils, 9 ability tests x1-x9, two schools
#                                    -> data/holzinger_swineford.csv (x1..x9, school)
#   the same with answers deleted by a fixed rule (no random numbers), for FIML
#                                    -> data/holzinger_swineford_missing.csv
#   psychTools::bfi                  2800 x 25 Big Five items (data/bfi.csv, written by
#                                    reliability.R) and its gender/education/age columns
#                                    -> data/bfi_demographics.csv (same row order)
# bfi items are reverse-keyed (7 - x for A1, C4, C5, E1, E2, O2, O5) before lavaan sees them,
# as cop-eval scores them from the instrument.
#
# Calls (lavaan defaults: ML, marker-variable identification, listwise unless missing = "fiml"):
#   fit <- lavaan::cfa(model, data, group = , group.equal = , group.partial = , missing = )
#   lavaan::fitMeasures(fit, c("chisq", "df", "pvalue", "cfi", "tli", "rmsea",
#       "rmsea.ci.lower", "rmsea.ci.upper", "srmr", "baseline.chisq", "baseline.df", "npar",
#       "ntotal"))
#   lavaan::standardizedSolution(fit)           est.std of "=~" rows (std.all) and factor r
#   semTools::compRelSEM(fit, obs.var = FALSE)   omega per factor (model-implied variance)
#   semTools::htmt(model, data)                  HTMT2 (geometric means of |r|), listwise
#   lavaan::lavTestLRT(fit_free, fit_constrained)   chi-square difference test
# Partial invariance: starting from the scalar model, free, one at a time, the intercept whose
# release lowers chi-square most (group.partial = "item~1"), keeping at least two constrained
# intercepts per factor, until Chen (2007)'s cut-offs against the metric model hold
# (CFI drop <= .010 and RMSEA rise <= .015) or no item can be freed.

suppressPackageStartupMessages({
  library(lavaan)
  library(semTools)
  library(psychTools)
  library(jsonlite)
})

out_dir <- "tests/reference"
dir.create(file.path(out_dir, "data"), showWarnings = FALSE, recursive = TRUE)

measures <- c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea.ci.lower",
              "rmsea.ci.upper", "srmr", "baseline.chisq", "baseline.df", "npar", "ntotal")

fit_summary <- function(fit) {
  fm <- fitMeasures(fit, measures)
  std <- standardizedSolution(fit, se = FALSE, zstat = FALSE, pvalue = FALSE, ci = FALSE)
  if (is.null(std$group)) std$group <- 1L
  lv <- lavNames(fit, "lv")
  groups <- lavInspect(fit, "group.label")
  if (length(groups) == 0) groups <- "all"
  per_group <- lapply(seq_along(groups), function(g) {
    s <- std[std$group == g, ]
    load <- s[s$op == "=~", ]
    cors <- s[s$op == "~~" & s$lhs != s$rhs & s$lhs %in% lv & s$rhs %in% lv, ]
    list(
      group = groups[g],
      n = lavInspect(fit, "nobs")[g],
      loadings = lapply(seq_len(nrow(load)), function(i)
        list(scale = load$lhs[i], item = load$rhs[i], std = load$est.std[i])),
      factor_correlations = lapply(seq_len(nrow(cors)), function(i)
        list(a = cors$lhs[i], b = cors$rhs[i], r = cors$est.std[i]))
    )
  })
  names(fm) <- gsub(".", "_", names(fm), fixed = TRUE)
  list(fit = as.list(unclass(fm)), groups = per_group)
}

lrt <- function(free, constrained) {
  t <- lavTestLRT(free, constrained)
  list(chisq_diff = t[["Chisq diff"]][2], df_diff = t[["Df diff"]][2],
       p = t[["Pr(>Chisq)"]][2])
}

# Chen (2007): CFI may drop by at most .010 and RMSEA rise by at most .015.
holds <- function(constrained, free) {
  a <- fitMeasures(constrained, c("cfi", "rmsea"))
  b <- fitMeasures(free, c("cfi", "rmsea"))
  (a[["cfi"]] - b[["cfi"]]) >= -0.010 && (a[["rmsea"]] - b[["rmsea"]]) <= 0.015
}

partial_search <- function(model, data, group, metric, scalar, items, factor_of, ...) {
  freed <- character(0)
  steps <- list()
  current <- scalar
  while (!holds(current, metric)) {
    left <- setdiff(items, freed)
    allowed <- left[sapply(left, function(it) {
      sum(factor_of[left] == factor_of[[it]]) > 2
    })]
    if (length(allowed) == 0) break
    chisq <- sapply(allowed, function(it) {
      f <- cfa(model, data = data, group = group,
               group.equal = c("loadings", "intercepts"),
               group.partial = paste0(c(freed, it), "~1"), ...)
      fitMeasures(f, "chisq")[["chisq"]]
    })
    best <- allowed[which.min(chisq)]
    freed <- c(freed, best)
    current <- cfa(model, data = data, group = group,
                   group.equal = c("loadings", "intercepts"),
                   group.partial = paste0(freed, "~1"), ...)
    steps[[length(steps) + 1]] <- list(item = best, chisq = min(chisq))
  }
  list(freed = as.list(freed), steps = steps, holds = holds(current, metric),
       model = fit_summary(current), lrt_metric = lrt(metric, current))
}

invariance <- function(model, data, group, items, factor_of, search = TRUE, ...) {
  configural <- cfa(model, data = data, group = group, ...)
  metric <- cfa(model, data = data, group = group, group.equal = "loadings", ...)
  scalar <- cfa(model, data = data, group = group,
                group.equal = c("loadings", "intercepts"), ...)
  out <- list(
    configural = fit_summary(configural),
    metric = fit_summary(metric),
    scalar = fit_summary(scalar),
    lrt_metric = lrt(configural, metric),
    lrt_scalar = lrt(metric, scalar),
    metric_holds = holds(metric, configural),
    scalar_holds = holds(scalar, metric)
  )
  if (search && out$metric_holds && !out$scalar_holds) {
    out$partial <- partial_search(model, data, group, metric, scalar, items, factor_of, ...)
  }
  out
}

single <- function(model, data, ...) {
  fit <- cfa(model, data = data, ...)
  s <- fit_summary(fit)
  s$omega <- as.list(compRelSEM(fit, obs.var = FALSE))
  s
}

# --- Holzinger & Swineford (1939) ------------------------------------------------------------
hs_model <- "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9"
hs_items <- paste0("x", 1:9)
hs_factor <- setNames(rep(c("visual", "textual", "speed"), each = 3), hs_items)
hs <- HolzingerSwineford1939[, c(hs_items, "school")]
hs$school <- as.character(hs$school)
write.csv(hs, file.path(out_dir, "data", "holzinger_swineford.csv"), row.names = FALSE)

# Missing answers by rule: x1 in every 7th row, x5 in every 5th, x9 in every 4th (from row 2);
# rows 11, 22, ... lose x2 and x3 together. Every row keeps some answers.
hs_na <- hs
r <- seq_len(nrow(hs_na))
hs_na$x1[r %% 7 == 0] <- NA
hs_na$x5[r %% 5 == 0] <- NA
hs_na$x9[r %% 4 == 2] <- NA
hs_na[r %% 11 == 0, c("x2", "x3")] <- NA
write.csv(hs_na, file.path(out_dir, "data", "holzinger_swineford_missing.csv"),
          row.names = FALSE, na = "")

result <- list(versions = list(
  R = paste(R.version$major, R.version$minor, sep = "."),
  lavaan = as.character(packageVersion("lavaan")),
  semTools = as.character(packageVersion("semTools"))
))

result$hs <- single(hs_model, hs)
result$hs$htmt <- unclass(htmt(hs_model, hs))
result$hs_fiml <- single(hs_model, hs_na, missing = "fiml")
result$hs_school <- invariance(hs_model, hs, "school", hs_items, hs_factor)
result$hs_school_fiml <- invariance(hs_model, hs_na, "school", hs_items, hs_factor,
                                    search = FALSE, missing = "fiml")

# --- psychTools::bfi ------------------------------------------------------------------------
bfi_keys <- list(
  agreeableness = c("-a1", "a2", "a3", "a4", "a5"),
  conscientiousness = c("c1", "c2", "c3", "-c4", "-c5"),
  extraversion = c("-e1", "-e2", "e3", "e4", "e5"),
  neuroticism = c("n1", "n2", "n3", "n4", "n5"),
  openness = c("o1", "-o2", "o3", "o4", "-o5")
)
bfi_items <- gsub("-", "", unlist(bfi_keys, use.names = FALSE), fixed = TRUE)
bfi_factor <- setNames(rep(names(bfi_keys), each = 5), bfi_items)
bfi_model <- paste(sapply(names(bfi_keys), function(f)
  paste(f, "=~", paste(gsub("-", "", bfi_keys[[f]], fixed = TRUE), collapse = " + "))),
  collapse = "\n")

bfi <- read.csv(file.path(out_dir, "data", "bfi.csv"))
reverse <- gsub("-", "", grep("^-", unlist(bfi_keys), value = TRUE), fixed = TRUE)
bfi[, reverse] <- 7 - bfi[, reverse]                      # declared 1-6 scale, not the data's
demo <- psychTools::bfi[, c("gender", "education", "age")]
write.csv(demo, file.path(out_dir, "data", "bfi_demographics.csv"), row.names = FALSE, na = "")
bfi$gender <- ifelse(demo$gender == 1, "male", "female")

result$bfi <- single(bfi_model, bfi)
result$bfi$htmt <- unclass(htmt(bfi_model, bfi))
result$bfi_fiml <- single(bfi_model, bfi, missing = "fiml")
result$bfi_gender <- invariance(bfi_model, bfi, "gender", bfi_items, bfi_factor)
result$bfi_gender_fiml <- invariance(bfi_model, bfi, "gender", bfi_items, bfi_factor,
                                     search = FALSE, missing = "fiml")

writeLines(toJSON(result, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path(out_dir, "validity.json"))
cat("wrote", file.path(out_dir, "validity.json"), "\n")
