package org.linkway.referral.intake;

import java.util.List;

/** The body of POST /referrals, as a GP system sends it. Dates are strings so that a bad one gets a named error. */
public record ReferralRequest(
    Patient patient,
    Boolean consent,
    Referrer referrer,
    String commissioner,
    List<String> needs,
    String notes,
    String preferredServiceId) {

  public record Patient(
      String nhsNumber, String givenName, String familyName, String birthDate, String postcode,
      String phone, String email) {}

  public record Referrer(String odsCode, String clinician) {}
}
