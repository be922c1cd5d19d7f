package org.linkway.provider.measures;

import java.util.List;
import org.linkway.events.Measure;
import org.linkway.events.MeasureChange;
import org.springframework.stereotype.Component;

/** How each measure changed between baseline and follow-up, with the thresholds from the settings. */
@Component
public class MeasureChanges {

  public List<MeasureChange> between(List<Measure> baseline, List<Measure> followUp) {
    return List.of();
  }
}
