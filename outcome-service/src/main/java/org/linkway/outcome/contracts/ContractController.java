package org.linkway.outcome.contracts;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.linkway.commands.ContractCommand;
import org.linkway.events.ContractAgreed;
import org.linkway.events.Instrument;
import org.linkway.outcome.OutcomeServiceApplication;
import org.linkway.outcome.contracts.ContractQueries.ContractView;
import org.linkway.platform.domain.Codes;
import org.linkway.platform.domain.SocialPrescribing;
import org.linkway.platform.kafka.EventPublisher;
import org.linkway.platform.kafka.Events;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.Decisions;
import org.linkway.platform.streams.KeyedDecider;
import org.linkway.platform.streams.ReferenceTable;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ProblemException.FieldProblem;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** A commissioner's contracts with providers: what each referral can earn, and for what. */
@RestController
public class ContractController {

  private static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9-]{1,63}$");
  private static final BigDecimal MAX_FEE = new BigDecimal("100000.00");
  /** Provider and service ids as the directory keeps them. */
  private static final Pattern DIRECTORY_ID = Pattern.compile("^[a-z0-9][a-z0-9-]{1,63}$");
  private static final String DIRECTORY_ID_RULE = "2-64 lower-case letters, digits and hyphens, as in the directory";
  /** Contracts run within these dates: anything outside is a mistake, not a contract. */
  private static final LocalDate EARLIEST = LocalDate.of(2000, 1, 1);
  private static final LocalDate LATEST = LocalDate.of(2099, 12, 31);
  private static final int MAX_SESSIONS = 1000;
  private static final int MAX_SERVICES = 1000;
  private static final int MAX_SCORE = 64;

  /**
   * Any combination of: a grant (block funding), an engagement fee on acceptance, a completion fee
   * after at least N sessions, an outcome payment when a named measure improves by a threshold
   * (e.g. SWEMWBS "metric" +2), and a cap on what one referral can earn.
   */
  record ContractRequest(String providerId, List<String> serviceIds, String validFrom, String validTo,
      BigDecimal engagementFee, BigDecimal completionFee, Integer completionMinSessions, String currency,
      Boolean grant, BigDecimal outcomePayment, String outcomeInstrument, String outcomeScore,
      BigDecimal outcomeThreshold, BigDecimal perReferralCap) {}

  private final EventPublisher publisher;
  private final Decisions decisions;
  private final ReferenceTable<ContractAgreed> contracts;
  private final ContractQueries agreed;

  ContractController(EventPublisher publisher, Decisions decisions, ReferenceTable<ContractAgreed> contracts,
      ContractQueries agreed) {
    this.publisher = publisher;
    this.decisions = decisions;
    this.contracts = contracts;
    this.agreed = agreed;
  }

  @PutMapping("/commissioners/{code}/contracts/{contractId}")
  Mono<ContractView> agree(@PathVariable String code, @PathVariable String contractId, @RequestBody ContractRequest body) {
    List<FieldProblem> problems = new ArrayList<>();
    if (!SocialPrescribing.isIcbCode(code)) problems.add(new FieldProblem("code", "is not an ICB ODS code (e.g. QMM)"));
    if (!ID.matcher(contractId).matches()) problems.add(new FieldProblem("contractId", "2-64 letters, digits and hyphens"));
    contracts.get(contractId).filter(c -> !c.getCommissioner().equals(code)).ifPresent(c ->
        problems.add(new FieldProblem("contractId", "belongs to another commissioner")));
    if (body.providerId() == null || body.providerId().isBlank()) {
      problems.add(new FieldProblem("providerId", "is required"));
    } else if (!DIRECTORY_ID.matcher(body.providerId()).matches()) {
      problems.add(new FieldProblem("providerId", "is not a provider id: " + DIRECTORY_ID_RULE));
    }
    if (body.serviceIds() != null) {
      if (body.serviceIds().size() > MAX_SERVICES) {
        problems.add(new FieldProblem("serviceIds", "lists " + body.serviceIds().size() + " services: at most " + MAX_SERVICES));
      } else {
        for (int i = 0; i < body.serviceIds().size(); i++) {
          String serviceId = body.serviceIds().get(i);
          if (serviceId == null || !DIRECTORY_ID.matcher(serviceId).matches()) {
            problems.add(new FieldProblem("serviceIds[" + i + "]", "is not a service id: " + DIRECTORY_ID_RULE));
          }
        }
      }
    }
    LocalDate from = date(body.validFrom(), "validFrom", problems);
    LocalDate to = date(body.validTo(), "validTo", problems);
    if (from != null && to != null && to.isBefore(from)) problems.add(new FieldProblem("validTo", "is before validFrom"));
    fee(body.engagementFee(), "engagementFee", problems);
    fee(body.completionFee(), "completionFee", problems);
    fee(body.outcomePayment(), "outcomePayment", problems);
    fee(body.perReferralCap(), "perReferralCap", problems);
    boolean grant = Boolean.TRUE.equals(body.grant());
    if (!grant && body.engagementFee() == null && body.completionFee() == null && body.outcomePayment() == null) {
      problems.add(new FieldProblem("engagementFee",
          "a contract is a grant, or pays an engagementFee, a completionFee or an outcomePayment (any combination)"));
    }
    Instrument instrument = null;
    if (body.outcomePayment() != null) {
      instrument = Codes.named(Instrument.class, body.outcomeInstrument());
      if (instrument == null) {
        problems.add(new FieldProblem("outcomeInstrument", "is required with an outcomePayment: SWEMWBS, WEMWBS, ONS4 or UCLA3"));
      }
      if (body.outcomeThreshold() == null) {
        problems.add(new FieldProblem("outcomeThreshold", "is required with an outcomePayment: the improvement that earns it, above 0"));
      }
    }
    if (body.outcomeThreshold() != null && (body.outcomeThreshold().signum() <= 0
        || body.outcomeThreshold().stripTrailingZeros().scale() > 2
        || body.outcomeThreshold().compareTo(new BigDecimal("999.99")) > 0)) {
      problems.add(new FieldProblem("outcomeThreshold", "must be above 0, at most 999.99, with at most 2 decimal places"));
    }
    if (body.completionMinSessions() != null && (body.completionMinSessions() < 0 || body.completionMinSessions() > MAX_SESSIONS)) {
      problems.add(new FieldProblem("completionMinSessions", "must be 0 or more, at most " + MAX_SESSIONS));
    }
    if (body.outcomeScore() != null && (body.outcomeScore().isBlank() || body.outcomeScore().length() > MAX_SCORE
        || !body.outcomeScore().matches("[A-Za-z0-9_-]+"))) {
      problems.add(new FieldProblem("outcomeScore", "must be the name of a score, e.g. metric or total (letters, digits, _ and -)"));
    }
    if (body.currency() != null && !body.currency().equals("GBP")) problems.add(new FieldProblem("currency", "must be GBP"));
    if (!problems.isEmpty()) return Mono.error(new ProblemException.Invalid(problems));

    ContractAgreed contract = ContractAgreed.newBuilder()
        .setMetadata(Events.metadata(OutcomeServiceApplication.NAME, null, null))
        .setContractId(contractId)
        .setCommissioner(code)
        .setProviderId(body.providerId())
        .setServiceIds(body.serviceIds() == null ? List.of() : body.serviceIds())
        .setValidFrom(from)
        .setValidTo(to)
        .setEngagementFee(money(body.engagementFee()))
        .setCompletionFee(money(body.completionFee()))
        .setCompletionMinSessions(body.completionMinSessions() == null ? 0 : body.completionMinSessions())
        .setGrant(grant)
        .setOutcomePayment(money(body.outcomePayment()))
        .setOutcomeInstrument(instrument)
        .setOutcomeScore(body.outcomeScore())
        .setOutcomeThreshold(body.outcomeThreshold() == null ? null : body.outcomeThreshold().setScale(2))
        .setPerReferralCap(money(body.perReferralCap()))
        .build();
    // the contracts' decider agrees it, or refuses it (409) when another commissioner holds the id
    ContractCommand command = ContractCommand.newBuilder()
        .setMetadata(Events.metadata(OutcomeServiceApplication.NAME, null, null))
        .setContract(contract)
        .build();
    return KeyedDecider.ask(decisions, publisher, Topics.CONTRACT_COMMANDS, contractId, command,
            command.getMetadata().getEventId(), Topics.FUNDING_CONTRACTS)
        .map(ContractQueries::view);
  }

  @GetMapping("/commissioners/{code}/contracts")
  public List<ContractView> contracts(@PathVariable String code) {
    return agreed.contracts(code);
  }

  private static LocalDate date(String value, String field, List<FieldProblem> problems) {
    try {
      LocalDate date = LocalDate.parse(value == null ? "" : value);
      if (date.isBefore(EARLIEST) || date.isAfter(LATEST)) {
        problems.add(new FieldProblem(field, "must be between " + EARLIEST + " and " + LATEST));
        return null;
      }
      return date;
    } catch (DateTimeParseException e) {
      problems.add(new FieldProblem(field, "is required, a date in the form YYYY-MM-DD"));
      return null;
    }
  }

  private static void fee(BigDecimal fee, String field, List<FieldProblem> problems) {
    if (fee == null) return;
    if (fee.signum() < 0) problems.add(new FieldProblem(field, "must not be negative"));
    else if (fee.stripTrailingZeros().scale() > 2) problems.add(new FieldProblem(field, "has more than 2 decimal places (pence)"));
    else if (fee.compareTo(MAX_FEE) > 0) problems.add(new FieldProblem(field, "is more than " + MAX_FEE));
  }

  private static BigDecimal money(BigDecimal value) {
    return value == null ? null : value.setScale(2);
  }
}
