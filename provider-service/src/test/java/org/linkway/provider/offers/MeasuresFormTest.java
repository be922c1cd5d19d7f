package org.linkway.provider.offers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linkway.events.Instrument;
import org.linkway.provider.measures.Measures;
import org.springframework.util.LinkedMultiValueMap;

class MeasuresFormTest {

  @Test
  void givenOnlyOns4Answered_whenGathered_thenOnlyOns4IsSentAsAFollowUp_withAnEmptyAnswerAsNull() {
    var form = new LinkedMultiValueMap<String, String>();
    form.add("m-ONS4-0", "7");
    form.add("m-ONS4-1", " 11 ");
    form.add("m-ONS4-2", "");
    form.add("m-ONS4-3", "3");
    form.add("m-SWEMWBS-0", " ");

    MeasuresForm.Gathered gathered = MeasuresForm.gather(form);

    assertThat(gathered.sent()).containsExactly(Instrument.ONS4);
    assertThat(gathered.measures()).containsExactly(new Measures.Answers("ONS4", "FOLLOW_UP", java.util.Arrays.asList(7, 11, null, 3), null));
    assertThat(gathered.unreadable()).isEmpty();
  }

  @Test
  void givenTheApisProblems_whenMapped_thenEachIsBesideItsFormField() {
    var form = new LinkedMultiValueMap<String, String>();
    form.add("m-ONS4-1", "11");
    form.add("m-UCLA3-0", "2");
    form.add("m-UCLA3-direct", "9");
    MeasuresForm.Gathered gathered = MeasuresForm.gather(form);
    var problems = Measures.validate(gathered.measures());

    Map<String, String> errors = MeasuresForm.byField(problems, gathered.sent(), Map.of());

    assertThat(errors).containsEntry("m-ONS4-1", "ONS4 item 2 (worthwhile) must be between 0 and 10, not 11")
        .containsKey("m-ONS4-0").containsKey("m-UCLA3-1").containsKey("m-UCLA3-direct");
    assertThat(MeasuresForm.fieldOf("measures[1].answers", gathered.sent())).isEqualTo("m-UCLA3");
    assertThat(MeasuresForm.fieldOf("completion", gathered.sent())).isEqualTo("completion");
    assertThat(MeasuresForm.fieldOf("measures[7].stage", gathered.sent())).isEqualTo("measures");
  }

  @Test
  void givenTextThatIsNotANumber_whenGathered_thenItIsTheFormsOwnProblem() {
    var form = new LinkedMultiValueMap<String, String>();
    form.add("m-UCLA3-0", "often");

    assertThat(MeasuresForm.gather(form).unreadable()).singleElement()
        .satisfies(p -> assertThat(p.field()).isEqualTo("m-UCLA3-0"));
  }

  @Test
  void givenAReasonThatContinuesALabel_whenWorded_thenTheLabelLeads() {
    assertThat(MeasuresForm.sentence("Reason for declining", "is required")).isEqualTo("Reason for declining is required");
    assertThat(MeasuresForm.sentence("ONS4", "ONS4 has 4 items; 3 given")).isEqualTo("ONS4 has 4 items; 3 given");
  }

  @Test
  void everyInstrumentTheApiKnowsHasAFieldsetWithALabelPerItem() {
    assertThat(MeasuresForm.fieldsets(null)).extracting(MeasuresForm.Fieldset::instrument)
        .containsExactlyInAnyOrderElementsOf(Measures.SHAPES.keySet().stream().map(Enum::name).toList());
    MeasuresForm.fieldsets(null).forEach(f -> assertThat(f.items())
        .hasSize(Measures.SHAPES.get(Instrument.valueOf(f.instrument())).items())
        .allSatisfy(item -> assertThat(item.label()).isNotBlank()));
    assertThat(List.of(InboxPages.timeLeft(java.time.Duration.ofHours(25)), InboxPages.timeLeft(java.time.Duration.ZERO)))
        .containsExactly("1 days 1 hours left", "time is up");
  }
}
