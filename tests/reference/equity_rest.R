# Reference values for the "rest of the group" fits of cop-eval's gap trends
# (tests/compare/test_equity_rest.py): for every subgroup and scale, the random-intercept model
# fitted by REML to everyone's answers outside the subgroup, as cop-eval obtains it from the
# whole group's pattern totals minus the subgroup's people's (compare/equity_trend.py).
#
#   Rscript tests/reference/equity_rest.R      (run from the repository root)
#
# Writes tests/reference/equity_rest_data.csv (the simulated data, long form) and
# tests/reference/equity_rest.json. R 4.2.2, nlme 3.1.162, jsonlite 1.8.4.
#
# Data: 3 waves of 160 people in 5 subgroups of unequal size; 1 in 6 people changes subgroup
# between waves (so the rest of a subgroup holds some of its people's other waves), some people
# skip a wave or join late, some scores are missing. "relevance" has a clear person effect,
# "climate" none (its respondent variance may sit at the boundary, zero).

suppressPackageStartupMessages({
  library(nlme)
  library(jsonlite)
})

out_dir <- "tests/reference"
set.seed(20261202)

n <- 160
groups <- c("North", "South", "East", "West", "Centre")
people <- data.frame(id = sprintf("r%03d", 1:n),
                     home = sample(groups, n, replace = TRUE, prob = c(.35, .25, .2, .15, .05)),
                     trait = rnorm(n, 0, 0.5))
rows <- list()
for (w in 1:3) {
  for (i in seq_len(n)) {
    if (runif(1) < 0.12) next  # skips this wave
    g <- people$home[i]
    if (i %% 6 == 0 && w > 1) g <- groups[(match(g, groups) + w - 2) %% 5 + 1]  # moves
    shift <- if (g == "South") -0.4 - 0.2 * (w - 1) else 0.1 * (w - 1)
    relevance <- 3.6 + shift + people$trait[i] + rnorm(1, 0, 0.45)
    climate <- 3.2 + 0.05 * w + rnorm(1, 0, 0.6)
    rows[[length(rows) + 1]] <- data.frame(wave = w, id = people$id[i], group = g,
                                           relevance = round(relevance, 3),
                                           climate = round(climate, 3))
  }
}
d <- do.call(rbind, rows)
d$relevance[c(5, 77, 201)] <- NA
d$climate[c(12, 140, 300, 301)] <- NA
write.csv(d, file.path(out_dir, "equity_rest_data.csv"), row.names = FALSE, na = "")

fit <- function(sub) {
  sub <- sub[!is.na(sub$score), ]
  m <- lme(score ~ factor(wave), random = ~ 1 | id, data = sub, method = "REML")
  list(beta = unname(fixef(m)), se = unname(sqrt(diag(vcov(m)))),
       sigma2 = m$sigma^2, tau2 = as.numeric(getVarCov(m)),
       n_obs = nrow(sub), n_respondents = length(unique(sub$id)))
}
rest <- list()
for (s in c("relevance", "climate")) {
  for (g in groups) {
    dd <- data.frame(wave = d$wave, id = d$id, score = d[[s]])[d$group != g, ]
    rest[[length(rest) + 1]] <- c(list(scale = s, group = g), fit(dd))
  }
}
out <- list(
  rest = rest,
  versions = list(R = R.version.string, nlme = as.character(packageVersion("nlme")),
                  jsonlite = as.character(packageVersion("jsonlite")))
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path(out_dir, "equity_rest.json"))
