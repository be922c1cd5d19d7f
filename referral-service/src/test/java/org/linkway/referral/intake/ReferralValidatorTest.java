package org.linkway.referral.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.linkway.events.NeedCode;
import org.linkway.platform.web.ProblemException.FieldProblem;
import org.linkway.referral.intake.ReferralRequest.Patient;
import org.linkway.referral.intake.ReferralRequest.Referrer;

class ReferralValidatorTest {

  private static final Patient PATIENT =
      new Patient("943 476 5919", "Ada", "Lovelace", "1950-12-10", "NR1 3SR", "01603 123456", "ada@example.org");

  private static ReferralRequest valid() {
    return new ReferralRequest(PATIENT, true, new Referrer("D82044", "Dr Jones"), "QMM",
        List.of("LONELINESS", "MENTAL_WELLBEING"), "Lives alone since bereavement", null, null);
  }

  private static ReferralRequest withPatient(UnaryOperator<Patient> change) {
    ReferralRequest r = valid();
    return new ReferralRequest(change.apply(r.patient()), r.consent(), r.referrer(), r.commissioner(), r.needs(),
        r.notes(), r.preferredServiceId(), r.directPrescription());
  }

  private static Patient nhsNumber(Patient p, String v) {
    return new Patient(v, p.givenName(), p.familyName(), p.birthDate(), p.postcode(), p.phone(), p.email());
  }

  private static Patient givenName(Patient p, String v) {
    return new Patient(p.nhsNumber(), v, p.familyName(), p.birthDate(), p.postcode(), p.phone(), p.email());
  }

  private static Patient familyName(Patient p, String v) {
    return new Patient(p.nhsNumber(), p.givenName(), v, p.birthDate(), p.postcode(), p.phone(), p.email());
  }

  private static Patient birthDate(Patient p, String v) {
    return new Patient(p.nhsNumber(), p.givenName(), p.familyName(), v, p.postcode(), p.phone(), p.email());
  }

  private static Patient postcode(Patient p, String v) {
    return new Patient(p.nhsNumber(), p.givenName(), p.familyName(), p.birthDate(), v, p.phone(), p.email());
  }

  private static Patient phone(Patient p, String v) {
    return new Patient(p.nhsNumber(), p.givenName(), p.familyName(), p.birthDate(), p.postcode(), v, p.email());
  }

  private static Patient email(Patient p, String v) {
    return new Patient(p.nhsNumber(), p.givenName(), p.familyName(), p.birthDate(), p.postcode(), p.phone(), v);
  }

  private static ReferralRequest with(Boolean consent, Referrer referrer, String commissioner, List<String> needs,
      String notes) {
    return new ReferralRequest(PATIENT, consent, referrer, commissioner, needs, notes, null, null);
  }

  private static List<String> fields(List<FieldProblem> problems) {
    return problems.stream().map(FieldProblem::field).toList();
  }

  @Test
  void givenAValidRequest_whenValidated_thenThereAreNoProblems() {
    assertThat(ReferralValidator.validate(valid())).isEmpty();
  }

  @Test
  void givenAValidRequestWithoutTheOptionalFields_whenValidated_thenThereAreNoProblems() {
    ReferralRequest minimal = new ReferralRequest(
        new Patient("9434765919", "Ada", "Lovelace", "1950-12-10", "nr13sr", null, null),
        true, new Referrer("D82044", null), "QMM", List.of("NATURE"), null, null, null);

    assertThat(ReferralValidator.validate(minimal)).isEmpty();
  }

  @Test
  void givenEveryKnownNeed_whenValidated_thenThereAreNoProblems() {
    List<String> all = Arrays.stream(NeedCode.values()).filter(n -> n != NeedCode.UNKNOWN).map(Enum::name).toList();

    assertThat(ReferralValidator.validate(with(true, new Referrer("D82044", null), "QMM", all, null))).isEmpty();
    assertThat(ReferralValidator.NEEDS).doesNotContain(NeedCode.UNKNOWN).hasSize(NeedCode.values().length - 1);
  }

  static Stream<Arguments> oneInvalidField() {
    String longNotes = "x".repeat(2001);
    String tomorrow = LocalDate.now().plusDays(1).toString();
    String tooOld = LocalDate.now().minusYears(131).toString();
    return Stream.of(
        Arguments.of("no NHS number", withPatient(p -> nhsNumber(p, null)), "patient.nhsNumber", "is required"),
        Arguments.of("blank NHS number", withPatient(p -> nhsNumber(p, "  ")), "patient.nhsNumber", "is required"),
        Arguments.of("wrong check digit", withPatient(p -> nhsNumber(p, "9434765918")), "patient.nhsNumber", "not a valid NHS number"),
        Arguments.of("NHS number with a sign", withPatient(p -> nhsNumber(p, "+9434765919")), "patient.nhsNumber", "must be 10 digits"),
        Arguments.of("NHS number with junk after it", withPatient(p -> nhsNumber(p, "9434765919x")), "patient.nhsNumber", "must be 10 digits"),
        Arguments.of("NHS number with a hyphen", withPatient(p -> nhsNumber(p, "94347-65919")), "patient.nhsNumber", "must be 10 digits"),
        Arguments.of("NHS number with a tab", withPatient(p -> nhsNumber(p, "943\t476 5919")), "patient.nhsNumber", "must be 10 digits"),
        Arguments.of("NHS number in other digits", withPatient(p -> nhsNumber(p, "٩٤٣٤٧٦٥٩١٩")), "patient.nhsNumber", "must be 10 digits"),
        Arguments.of("no given name", withPatient(p -> givenName(p, "")), "patient.givenName", "is required"),
        Arguments.of("no family name", withPatient(p -> familyName(p, null)), "patient.familyName", "is required"),
        Arguments.of("no birth date", withPatient(p -> birthDate(p, null)), "patient.birthDate", "is required"),
        Arguments.of("birth date not ISO", withPatient(p -> birthDate(p, "10/12/1950")), "patient.birthDate", "YYYY-MM-DD"),
        Arguments.of("birth date impossible", withPatient(p -> birthDate(p, "1950-02-30")), "patient.birthDate", "YYYY-MM-DD"),
        Arguments.of("birth date in the future", withPatient(p -> birthDate(p, tomorrow)), "patient.birthDate", "in the future"),
        Arguments.of("born over 130 years ago", withPatient(p -> birthDate(p, tooOld)), "patient.birthDate", "130 years"),
        Arguments.of("no postcode", withPatient(p -> postcode(p, " ")), "patient.postcode", "is required"),
        Arguments.of("not a postcode", withPatient(p -> postcode(p, "Norwich")), "patient.postcode", "not a UK postcode"),
        Arguments.of("bad phone", withPatient(p -> phone(p, "call me")), "patient.phone", "not a phone number"),
        Arguments.of("bad email", withPatient(p -> email(p, "ada.example.org")), "patient.email", "not an email address"),
        Arguments.of("email with spaces", withPatient(p -> email(p, "ada lovelace@example.org")), "patient.email", "not an email address"),
        Arguments.of("no patient", new ReferralRequest(null, true, new Referrer("D82044", null), "QMM", List.of("NATURE"), null, null, null), "patient", "is required"),
        Arguments.of("no consent", with(null, new Referrer("D82044", null), "QMM", List.of("NATURE"), null), "consent", "must be true"),
        Arguments.of("consent refused", with(false, new Referrer("D82044", null), "QMM", List.of("NATURE"), null), "consent", "must be true"),
        Arguments.of("no referrer", with(true, null, "QMM", List.of("NATURE"), null), "referrer.odsCode", "is required"),
        Arguments.of("no referrer ODS code", with(true, new Referrer(null, "Dr Jones"), "QMM", List.of("NATURE"), null), "referrer.odsCode", "is required"),
        Arguments.of("referrer not a practice", with(true, new Referrer("QMM", null), "QMM", List.of("NATURE"), null), "referrer.odsCode", "not a GP practice ODS code"),
        Arguments.of("no commissioner", with(true, new Referrer("D82044", null), null, List.of("NATURE"), null), "commissioner", "is required"),
        Arguments.of("commissioner not an ICB", with(true, new Referrer("D82044", null), "D82044", List.of("NATURE"), null), "commissioner", "not an ICB ODS code"),
        Arguments.of("no needs", with(true, new Referrer("D82044", null), "QMM", null, null), "needs", "at least one need"),
        Arguments.of("empty needs", with(true, new Referrer("D82044", null), "QMM", List.of(), null), "needs", "at least one need"),
        Arguments.of("unknown second need", with(true, new Referrer("D82044", null), "QMM", List.of("NATURE", "GARDENING"), null), "needs[1]", "not a known need code"),
        Arguments.of("UNKNOWN need", with(true, new Referrer("D82044", null), "QMM", List.of("UNKNOWN"), null), "needs[0]", "not a known need code"),
        Arguments.of("lower-case need", with(true, new Referrer("D82044", null), "QMM", List.of("loneliness"), null), "needs[0]", "not a known need code"),
        Arguments.of("notes too long", with(true, new Referrer("D82044", null), "QMM", List.of("NATURE"), longNotes), "notes", "longer than 2000"));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("oneInvalidField")
  void givenOneInvalidField_whenValidated_thenExactlyThatFieldIsNamed(
      String description, ReferralRequest request, String field, String reason) {
    List<FieldProblem> problems = ReferralValidator.validate(request);

    assertThat(problems).hasSize(1);
    assertThat(problems.get(0).field()).isEqualTo(field);
    assertThat(problems.get(0).reason()).contains(reason);
  }

  @Test
  void givenAnUnknownNeed_whenValidated_thenTheReasonListsTheKnownNeeds() {
    List<FieldProblem> problems =
        ReferralValidator.validate(with(true, new Referrer("D82044", null), "QMM", List.of("GARDENING"), null));

    assertThat(problems).singleElement().satisfies(p -> assertThat(p.reason())
        .contains("LONELINESS", "MENTAL_WELLBEING", "PHYSICAL_ACTIVITY", "MONEY_AND_DEBT", "HOUSING",
            "ARTS_AND_CULTURE", "NATURE")
        .doesNotContain("UNKNOWN"));
  }

  @Test
  void givenNotesOfExactly2000Characters_whenValidated_thenTheyAreAccepted() {
    assertThat(ReferralValidator.validate(
        with(true, new Referrer("D82044", null), "QMM", List.of("NATURE"), "x".repeat(2000)))).isEmpty();
  }

  @Test
  void givenSeveralInvalidFields_whenValidated_thenEachIsNamedAtOnce() {
    ReferralRequest request = new ReferralRequest(
        new Patient("1234567890", "Ada", "", "2999-01-01", "NOT A POSTCODE", null, "nope"),
        false, new Referrer("nope", null), "XYZ", Arrays.asList("LONELINESS", "GARDENING", null), null, null, null);

    List<FieldProblem> problems = ReferralValidator.validate(request);

    assertThat(fields(problems)).containsExactlyInAnyOrder(
        "patient.nhsNumber", "patient.familyName", "patient.birthDate", "patient.postcode", "patient.email",
        "consent", "referrer.odsCode", "commissioner", "needs[1]", "needs[2]");
  }

  @Test
  void givenNoBody_whenValidated_thenTheBodyIsRequired() {
    assertThat(ReferralValidator.validate(null)).containsExactly(new FieldProblem("body", "is required"));
  }

  @Test
  void givenAnEmptyBody_whenValidated_thenEveryRequiredFieldIsNamed() {
    List<FieldProblem> problems =
        ReferralValidator.validate(new ReferralRequest(null, null, null, null, null, null, null, null));

    assertThat(fields(problems)).containsExactly("patient", "consent", "referrer.odsCode", "commissioner", "needs");
  }

  @ParameterizedTest(name = "{0} is a UK postcode")
  @ValueSource(strings = {"NR1 3SR", "SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EC1A 1BB",
      "nr1 3sr", "NR13SR", " NR1 3SR "})
  void givenAUkPostcode_whenValidated_thenItIsAccepted(String postcode) {
    assertThat(ReferralValidator.validate(withPatient(p -> postcode(p, postcode)))).isEmpty();
  }

  @ParameterizedTest(name = "\"{0}\" is not a UK postcode")
  @ValueSource(strings = {"NR1", "3SR", "NR1 3S", "NR1 3SRR", "ABC1 3SR", "1NR 3SR", "NR1 SR3", "NR1-3SR", "12345",
      "NR1 3S5", "N R1 3SR"})
  void givenSomethingThatIsNotAUkPostcode_whenValidated_thenItIsRefused(String postcode) {
    List<FieldProblem> problems = ReferralValidator.validate(withPatient(p -> postcode(p, postcode)));

    assertThat(problems).containsExactly(new FieldProblem("patient.postcode", "is not a UK postcode (e.g. NR1 3SR)"));
  }
}
