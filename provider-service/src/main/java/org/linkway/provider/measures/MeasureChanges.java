package org.linkway.provider.measures;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.linkway.events.Measure;
import org.linkway.events.MeasureChange;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * How each measure changed between baseline and follow-up, judged against the meaningful-change
 * thresholds in the settings {@code linkway.measures.threshold.swemwbs|wemwbs|ucla3|ons4}
 * (defaults: SWEMWBS metric 1, WEMWBS 3, UCLA-3 1, each ONS4 item 1).
 */
@Component
public class MeasureChanges {

  private final Thresholds thresholds;

  public MeasureChanges(Environment environment) {
    Map<String, BigDecimal> settings = Binder.get(environment)
        .bind("linkway.measures.threshold", Bindable.mapOf(String.class, BigDecimal.class)).orElse(Map.of());
    this.thresholds = Thresholds.from(settings);
  }

  public List<MeasureChange> between(List<Measure> baseline, List<Measure> followUp) {
    return Measures.changes(baseline, followUp, thresholds);
  }
}
