package org.linkway.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboard of docker-compose ({@code docker/grafana/dashboards/linkway.json}) queries
 * only metrics the services expose: every metric name in its panels' PromQL is one of
 * {@link #EXPOSED}, which {@code ObservabilityIT} finds in the services' own scrapes.
 */
class GrafanaDashboardTest {

  static final Path DASHBOARD = Path.of("..", "docker", "grafana", "dashboards", "linkway.json");

  /** Metric names (Prometheus) the services expose; each is checked against real scrapes in ObservabilityIT. */
  static final Set<String> EXPOSED = Set.of(
      "linkway_referrals",
      "linkway_offers_open",
      "linkway_offers_open_oldest_age_seconds",
      "linkway_ledger_total_pounds",
      "linkway_dead_letters_total",
      "kafka_consumer_fetch_manager_records_lag_max",
      "http_server_requests_seconds_count");

  /** PromQL words that are not metric names: functions, aggregations, their modifiers. */
  private static final Set<String> PROMQL_WORDS = Set.of(
      "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group",
      "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "and", "or", "unless",
      "rate", "irate", "increase", "delta", "idelta", "deriv", "resets", "changes", "abs", "ceil", "floor", "round",
      "clamp", "clamp_min", "clamp_max", "time", "vector", "scalar", "sort", "sort_desc", "label_replace", "label_join",
      "histogram_quantile", "sum_over_time", "avg_over_time", "max_over_time", "min_over_time", "last_over_time",
      "absent", "absent_over_time", "timestamp", "inf", "nan");

  private static final Pattern WORD = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  @Test
  void everyPanelOfTheDashboard_queriesOnlyMetricsTheServicesExpose() throws IOException {
    JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
    List<String> expressions = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(panel.path("targets").isEmpty()).as("panel %s has no query", panel.path("title")).isFalse();
      panel.path("targets").forEach(target -> expressions.add(target.path("expr").asString()));
    }
    assertThat(expressions).as("queries of the dashboard").hasSizeGreaterThanOrEqualTo(6).doesNotContain("");

    Set<String> queried = new LinkedHashSet<>();
    expressions.forEach(expr -> queried.addAll(metricNames(expr)));
    assertThat(queried).as("metrics the dashboard queries").isSubsetOf(EXPOSED)
        .contains("linkway_referrals", "linkway_offers_open", "linkway_offers_open_oldest_age_seconds",
            "linkway_ledger_total_pounds", "linkway_dead_letters_total", "kafka_consumer_fetch_manager_records_lag_max");
  }

  @Test
  void metricNames_areTheWordsOfAQueryThatAreNeitherFunctionsNorLabels() {
    assertThat(metricNames("sum by (status) (linkway_referrals{application=\"referral-service\"})"))
        .containsExactly("linkway_referrals");
    assertThat(metricNames("max by (application, client_id) (kafka_consumer_fetch_manager_records_lag_max) > 0"))
        .containsExactly("kafka_consumer_fetch_manager_records_lag_max");
    assertThat(metricNames("sum(increase(linkway_dead_letters_total{topic=~\"refer.*\"}[5m])) without (instance)"))
        .containsExactly("linkway_dead_letters_total");
    // a misspelt name is a name, and not one the services expose: the dashboard test would fail on it
    assertThat(metricNames("sum(linkway_referals)")).containsExactly("linkway_referals").doesNotContainAnyElementsOf(EXPOSED);
  }

  /** The metric names in a PromQL expression: what is left once strings, label matchers, groupings, ranges and functions are gone. */
  static Set<String> metricNames(String expr) {
    String bare = expr
        .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // string literals
        .replaceAll("\\{[^}]*}", " ") // label matchers
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ") // label lists
        .replaceAll("\\[[^]]*]", " "); // ranges
    Set<String> names = new LinkedHashSet<>();
    Matcher m = WORD.matcher(bare);
    while (m.find()) {
      String word = m.group();
      boolean partOfNumber = m.start() > 0 && Character.isDigit(bare.charAt(m.start() - 1));
      if (!PROMQL_WORDS.contains(word.toLowerCase()) && !partOfNumber) names.add(word);
    }
    return names;
  }
}
