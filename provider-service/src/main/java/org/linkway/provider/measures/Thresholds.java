package org.linkway.provider.measures;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.linkway.events.Instrument;

/**
 * The smallest improvement that counts as meaningful, per instrument, each to two decimal places.
 * A contract may raise them; the service reads them from {@code linkway.measures.threshold.swemwbs},
 * {@code .wemwbs}, {@code .ucla3} and {@code .ons4}.
 *
 * @param swemwbs SWEMWBS metric points (Shah et al. 2018: an individual change of 1 to 3 is meaningful)
 * @param wemwbs WEMWBS total points
 * @param ucla3 UCLA-3 total points (a fall, since higher is lonelier)
 * @param ons4 points on each ONS4 item (a fall for anxiety)
 */
public record Thresholds(BigDecimal swemwbs, BigDecimal wemwbs, BigDecimal ucla3, BigDecimal ons4) {

  /** The prefix of the settings; {@link #from} accepts keys with or without it. */
  public static final String SETTING_PREFIX = "linkway.measures.threshold.";

  private static final Thresholds DEFAULTS = new Thresholds(
      new BigDecimal("1.00"), new BigDecimal("3.00"), new BigDecimal("1.00"), new BigDecimal("1.00"));

  public Thresholds {
    swemwbs = checked("swemwbs", swemwbs);
    wemwbs = checked("wemwbs", wemwbs);
    ucla3 = checked("ucla3", ucla3);
    ons4 = checked("ons4", ons4);
  }

  /** SWEMWBS 1.00 metric point, WEMWBS 3.00, UCLA-3 1.00, each ONS4 item 1.00. */
  public static Thresholds defaults() {
    return DEFAULTS;
  }

  /**
   * The defaults, overridden by whichever of {@code swemwbs}, {@code wemwbs}, {@code ucla3} and
   * {@code ons4} the map gives (case-insensitive, with or without {@link #SETTING_PREFIX}).
   * A null map or null value leaves the default.
   *
   * @throws IllegalArgumentException for any other key, or a threshold that is not positive or has more than two decimal places
   */
  public static Thresholds from(Map<String, BigDecimal> settings) {
    Thresholds thresholds = defaults();
    if (settings == null) return thresholds;
    for (Map.Entry<String, BigDecimal> setting : settings.entrySet()) {
      if (setting.getValue() == null) continue;
      thresholds = thresholds.with(instrument(setting.getKey()), setting.getValue());
    }
    return thresholds;
  }

  /** A copy with one instrument's threshold replaced. */
  public Thresholds with(Instrument instrument, BigDecimal threshold) {
    Objects.requireNonNull(instrument, "instrument");
    return switch (instrument) {
      case SWEMWBS -> new Thresholds(threshold, wemwbs, ucla3, ons4);
      case WEMWBS -> new Thresholds(swemwbs, threshold, ucla3, ons4);
      case UCLA3 -> new Thresholds(swemwbs, wemwbs, threshold, ons4);
      case ONS4 -> new Thresholds(swemwbs, wemwbs, ucla3, threshold);
      case UNKNOWN -> throw new IllegalArgumentException("UNKNOWN has no threshold");
    };
  }

  /** The threshold for an instrument; for ONS4 it applies to each item. */
  public BigDecimal of(Instrument instrument) {
    Objects.requireNonNull(instrument, "instrument");
    return switch (instrument) {
      case SWEMWBS -> swemwbs;
      case WEMWBS -> wemwbs;
      case UCLA3 -> ucla3;
      case ONS4 -> ons4;
      case UNKNOWN -> throw new IllegalArgumentException("UNKNOWN has no threshold");
    };
  }

  private static Instrument instrument(String key) {
    String name = key == null ? "" : key.trim().toLowerCase(Locale.ROOT);
    if (name.startsWith(SETTING_PREFIX)) name = name.substring(SETTING_PREFIX.length());
    return switch (name) {
      case "swemwbs" -> Instrument.SWEMWBS;
      case "wemwbs" -> Instrument.WEMWBS;
      case "ucla3" -> Instrument.UCLA3;
      case "ons4" -> Instrument.ONS4;
      default -> throw new IllegalArgumentException(
          "no measure threshold is called \"" + key + "\"; use swemwbs, wemwbs, ucla3 or ons4");
    };
  }

  private static BigDecimal checked(String name, BigDecimal threshold) {
    if (threshold == null) throw new IllegalArgumentException("the " + name + " threshold is required");
    if (threshold.signum() <= 0) {
      throw new IllegalArgumentException("the " + name + " threshold must be more than 0, not " + threshold.toPlainString());
    }
    BigDecimal stripped = threshold.stripTrailingZeros();
    if (stripped.scale() > 2) {
      throw new IllegalArgumentException(
          "the " + name + " threshold has at most two decimal places, not " + threshold.toPlainString());
    }
    return threshold.setScale(2);
  }
}
