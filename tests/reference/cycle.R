# Reference values for the evaluation cycle's figures (tests/test_cycle_reference.py): attendance
# rates and bands per person, scores by attendance band (Welch's t-test), the share at the
# strongest identity level by band (Newcombe's hybrid score interval for a difference of two
# proportions, from R's Wilson intervals), and response rates from a roster.
#
#   Rscript tests/reference/cycle.R      (run from the repository root)
#
# Writes tests/reference/cycle_register.csv, cycle_scores.csv and cycle.json.
# R 4.2.2 (stats), jsonlite.

suppressPackageStartupMessages(library(jsonlite))
out_dir <- "tests/reference"
set.seed(20250315)

# ---- a register: 30 people, 6 meetings; people 25-30 joined for the last 3 only ---------------
people <- sprintf("person%02d@example.org", 1:30)
dates <- as.Date(c("2025-01-14", "2025-02-11", "2025-03-11", "2025-04-08", "2025-05-13",
                   "2025-06-10"))
p_attend <- ifelse(1:30 <= 8, 0.3, 0.9)   # the first eight attend far less
rows <- list()
for (i in 1:30) {
  expected <- if (i >= 25) dates[4:6] else dates
  attended <- rbinom(length(expected), 1, p_attend[i])
  rows[[i]] <- data.frame(email = people[i], date = format(expected), attended = attended)
}
register <- do.call(rbind, rows)
write.csv(register, file.path(out_dir, "cycle_register.csv"), row.names = FALSE)

rate <- tapply(register$attended, register$email, mean)
rate <- rate[people]
band <- ifelse(rate >= 0.75, "regular", ifelse(rate >= 0.25, "occasional", "rare"))

# ---- survey scores of the 30 (people 29 and 30 did not answer); stage 1 and 3, identity -------
stage1 <- round(3 + 0.4 * (rate - 0.5) + rnorm(30, 0, 0.5), 4)
stage3 <- round(2.6 + 0.8 * rate + rnorm(30, 0, 0.5), 4)
strong <- as.integer(stage3 + rnorm(30, 0, 0.3) > 3.1)
scores <- data.frame(email = people, stage1 = stage1, stage3 = stage3, strong = strong)[1:28, ]
write.csv(scores, file.path(out_dir, "cycle_scores.csv"), row.names = FALSE)

linked <- band[scores$email]
two <- ifelse(linked == "regular", "regular", "less often")
welch <- function(x) {
  t <- t.test(x[two == "regular"], x[two == "less often"], var.equal = FALSE)
  list(n_regular = sum(two == "regular"), n_less = sum(two == "less often"),
       mean_regular = mean(x[two == "regular"]), mean_less = mean(x[two == "less often"]),
       diff = unname(t$estimate[1] - t$estimate[2]), ci = unname(t$conf.int[1:2]))
}
# Newcombe (1998) method 10: differences of the Wilson limits (prop.test without correction).
newcombe <- function(k1, n1, k2, n2) {
  w1 <- prop.test(k1, n1, correct = FALSE)$conf.int
  w2 <- prop.test(k2, n2, correct = FALSE)$conf.int
  p1 <- k1 / n1; p2 <- k2 / n2
  d <- p1 - p2
  c(d - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2), d + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2))
}
k1 <- sum(scores$strong[two == "regular"]); n1 <- sum(two == "regular")
k2 <- sum(scores$strong[two == "less often"]); n2 <- sum(two == "less often")

result <- list(
  R = R.version.string,
  rates = as.list(rate),
  bands = as.list(table(factor(band, levels = c("regular", "occasional", "rare")))),
  mean_rate = mean(rate),
  stage1 = welch(scores$stage1),
  stage3 = welch(scores$stage3),
  strong = list(share_regular = k1 / n1, share_less = k2 / n2, diff = k1 / n1 - k2 / n2,
                ci = newcombe(k1, n1, k2, n2))
)
write_json(result, file.path(out_dir, "cycle.json"), digits = NA, auto_unbox = TRUE,
           pretty = TRUE)
