/** Codes and rules more than one service applies: social prescribing's SNOMED CT codes, free text, funding arithmetic. */
package org.linkway.platform.domain;
