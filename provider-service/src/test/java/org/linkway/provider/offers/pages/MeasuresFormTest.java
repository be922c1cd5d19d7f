package org.linkway.provider.offers.pages;

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

    MeasuresForm.Gathered gathered = MeasuresForm.FOLLOW_UP.gather(form);

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
    MeasuresForm.Gathered gathered = MeasuresForm.FOLLOW_UP.gather(form);
    var problems = Measures.validate(gathered.measures());

    Map<String, String> errors = gathered.byField(problems, Map.of());

    assertThat(errors).containsEntry("m-ONS4-1", "ONS4 item 2 (worthwhile) must be between 0 and 10, not 11")
        .containsKey("m-ONS4-0").containsKey("m-UCLA3-1").containsKey("m-UCLA3-direct");
    assertThat(MeasuresForm.FOLLOW_UP.fieldOf("measures[1].answers", gathered.sent())).isEqualTo("m-UCLA3");
    assertThat(MeasuresForm.FOLLOW_UP.fieldOf("completion", gathered.sent())).isEqualTo("completion");
    assertThat(MeasuresForm.FOLLOW_UP.fieldOf("measures[7].stage", gathered.sent())).isEqualTo("measures");
  }

  @Test
  void givenBaselineAnswers_whenGathered_thenTheyAreSentAsTheBaseline_withProblemsBesideTheBaselineFields() {
    var form = new LinkedMultiValueMap<String, String>();
    form.add("b-SWEMWBS-0", "3");
    form.add("b-SWEMWBS-1", "9");
    form.add("m-ONS4-0", "7"); // the completion form's field: not the baseline's

    MeasuresForm.Gathered gathered = MeasuresForm.BASELINE.gather(form);

    assertThat(gathered.sent()).containsExactly(Instrument.SWEMWBS);
    assertThat(gathered.measures()).singleElement().satisfies(m -> assertThat(m.stage()).isEqualTo("BASELINE"));
    assertThat(gathered.byField(Measures.validate(gathered.measures()), MeasuresForm.BASELINE.labels()))
        .containsKey("b-SWEMWBS-1").containsKey("b-SWEMWBS-2").allSatisfy((field, reason) -> assertThat(field).startsWith("b-"));
    assertThat(MeasuresForm.BASELINE.owns("b-SWEMWBS-1")).isTrue();
    assertThat(MeasuresForm.BASELINE.owns("m-ONS4-0")).isFalse();
  }

  @Test
  void givenABaselineOfOneInstrument_whenTheFollowUpIsShown_thenOnlyThatInstrumentIsCompared() {
    assertThat(MeasuresForm.FOLLOW_UP.fieldsets(null, List.of("ONS4")))
        .filteredOn(MeasuresForm.Fieldset::compared).extracting(MeasuresForm.Fieldset::instrument).containsExactly("ONS4");
    assertThat(MeasuresForm.BASELINE.fieldsets(null, List.of("ONS4"))).noneMatch(MeasuresForm.Fieldset::compared)
        .allSatisfy(f -> assertThat(f.id()).startsWith("b-"));
  }

  @Test
  void givenTextThatIsNotANumber_whenGathered_thenItIsTheFormsOwnProblem() {
    var form = new LinkedMultiValueMap<String, String>();
    form.add("m-UCLA3-0", "often");

    assertThat(MeasuresForm.FOLLOW_UP.gather(form).unreadable()).singleElement()
        .satisfies(p -> assertThat(p.field()).isEqualTo("m-UCLA3-0"));
  }

  @Test
  void givenAReasonThatContinuesALabel_whenWorded_thenTheLabelLeads() {
    assertThat(MeasuresForm.sentence("Reason for declining", "is required")).isEqualTo("Reason for declining is required");
    assertThat(MeasuresForm.sentence("ONS4", "ONS4 has 4 items; 3 given")).isEqualTo("ONS4 has 4 items; 3 given");
  }

  @Test
  void everyInstrumentTheApiKnowsHasAFieldsetWithALabelPerItem() {
    assertThat(MeasuresForm.FOLLOW_UP.fieldsets(null, List.of())).extracting(MeasuresForm.Fieldset::instrument)
        .containsExactlyInAnyOrderElementsOf(Measures.SHAPES.keySet().stream().map(Enum::name).toList());
    MeasuresForm.FOLLOW_UP.fieldsets(null, List.of()).forEach(f -> assertThat(f.items())
        .hasSize(Measures.SHAPES.get(Instrument.valueOf(f.instrument())).items())
        .allSatisfy(item -> assertThat(item.label()).isNotBlank()));
    assertThat(List.of(InboxPages.timeLeft(java.time.Duration.ofHours(25)), InboxPages.timeLeft(java.time.Duration.ZERO)))
        .containsExactly("1 days 1 hours left", "time is up");
  }
}
