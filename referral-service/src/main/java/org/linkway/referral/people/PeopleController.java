package org.linkway.referral.people;

import java.util.Map;
import java.util.regex.Pattern;
import org.linkway.platform.web.ProblemException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** DELETE /people/{personId}: an erasure request, carried out by destroying the person's data keys. */
@RestController
class PeopleController {

  private static final Pattern PERSON_ID = Pattern.compile("p-[0-9a-f]{32}");

  private final People people;

  PeopleController(People people) {
    this.people = people;
  }

  @DeleteMapping("/people/{personId}")
  Mono<ResponseEntity<Map<String, Object>>> erase(@PathVariable String personId) {
    if (!PERSON_ID.matcher(personId).matches()) {
      throw new ProblemException.Invalid(java.util.List.of(new ProblemException.FieldProblem("personId",
          "must be a pseudonymous person id: p- and 32 hexadecimal digits")));
    }
    return people.erase(personId).flatMap(destroyed -> destroyed == 0
        ? Mono.error(new ProblemException.NotFound("no data key of " + personId + " is known: nothing to erase"))
        : Mono.just(ResponseEntity.ok(Map.<String, Object>of("personId", personId, "keysDestroyed", destroyed,
            "detail", "the person's identity can no longer be read anywhere in the log; referrals, the ledger and outcomes stay"))));
  }
}
