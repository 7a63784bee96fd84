package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.sqexact.exact.DocumentType;

/**
 * Builds the Exact Online payloads for one Squarespace order: the customer records and the
 * document. One component, so that what is sent is decided in one place.
 */
public interface OrderPayloads {

  /** The Account (company or person debtor) from the order. */
  ObjectNode account(JsonNode order, String company, String vatNumber);

  /** The Contact under a company debtor. */
  ObjectNode contact(JsonNode order, String accountId);

  /** The delivery Address (Type 4) of the account, from the shipping address. */
  ObjectNode deliveryAddress(JsonNode order, String accountId);

  /**
   * The document, from the order and {@code doc}: the resolved ids and codes and the priced lines
   * ({@code accountId, contactId, deliveryAddressId, paymentCondition, shippingMethodId, journal,
   * warehouseId, yourRef, documentType, lines[]}).
   */
  ObjectNode document(DocumentType type, JsonNode order, ObjectNode doc);
}
