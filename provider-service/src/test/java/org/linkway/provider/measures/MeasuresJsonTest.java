package org.linkway.provider.measures;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.linkway.provider.measures.Measures.Answers;
import tools.jackson.databind.json.JsonMapper;

/** The request body a provider sends: {@code {"instrument", "stage", "answers", "directAnswer"}}. */
class MeasuresJsonTest {

  private final JsonMapper json = JsonMapper.builder().build();

  record Body(List<Answers> measures) {}

  @Test
  void givenAMeasureWithoutADirectAnswer_whenRead_thenItBindsWithNoDirectAnswer() {
    Answers answers = json.readValue("""
        {"instrument": "SWEMWBS", "stage": "BASELINE", "answers": [1, 2, 3, 4, 5, 1, 2]}""", Answers.class);

    assertThat(answers).isEqualTo(new Answers("SWEMWBS", "BASELINE", List.of(1, 2, 3, 4, 5, 1, 2)));
  }

  @Test
  void givenAUcla3MeasureWithADirectAnswer_whenRead_thenTheDirectAnswerIsBound() {
    Answers answers = json.readValue("""
        {"instrument": "UCLA3", "stage": "FOLLOW_UP", "answers": [1, 2, 3], "directAnswer": 4}""", Answers.class);

    assertThat(answers).isEqualTo(new Answers("UCLA3", "FOLLOW_UP", List.of(1, 2, 3), 4));
  }

  @Test
  void givenAListOfMeasures_whenReadAndValidated_thenABadDirectAnswerIsNamedByItsPath() {
    Body body = json.readValue("""
        {"measures": [
          {"instrument": "ONS4", "stage": "BASELINE", "answers": [7, 8, 6, 2]},
          {"instrument": "UCLA3", "stage": "BASELINE", "answers": [1, 2, 3], "directAnswer": 9}
        ]}""", Body.class);

    assertThat(Measures.validate(body.measures()))
        .extracting(p -> p.field()).containsExactly("measures[1].directAnswer");
  }
}
