package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import org.sqexact.exact.DocumentType;
import org.sqexact.mapping.DataMapper;

/**
 * The payloads as the datamapper file ({@code mappings/exact-online.yaml}) says: users decide which
 * Squarespace value feeds which Exact field.
 */
public final class DataMapperPayloads implements OrderPayloads {

  private final DataMapper mapper;
  private final Map<String, Object> settings;

  public DataMapperPayloads(DataMapper mapper, Map<String, Object> settings) {
    this.mapper = mapper;
    this.settings = settings;
  }

  @Override
  public ObjectNode account(JsonNode order, String company, String vatNumber) {
    Map<String, Object> vars = vars();
    vars.put("company", company);
    vars.put("vatNumber", vatNumber);
    return mapper.map("account", order, vars);
  }

  @Override
  public ObjectNode contact(JsonNode order, String accountId) {
    Map<String, Object> vars = vars();
    vars.put("accountId", accountId);
    return mapper.map("contact", order, vars);
  }

  @Override
  public ObjectNode deliveryAddress(JsonNode order, String accountId) {
    Map<String, Object> vars = vars();
    vars.put("accountId", accountId);
    return mapper.map("deliveryAddress", order, vars);
  }

  @Override
  public ObjectNode document(DocumentType type, JsonNode order, ObjectNode doc) {
    Map<String, Object> vars = vars();
    vars.put("doc", doc);
    return mapper.map(type.target(), order, vars);
  }

  private Map<String, Object> vars() {
    Map<String, Object> vars = new HashMap<>();
    vars.put("settings", settings);
    return vars;
  }
}
