// HMAC-SHA256 of many messages in one call into the OpenSSL that node:crypto uses.
//
// node:crypto needs one Hmac object per message (create, update, digest: three crossings of
// the JS/C++ boundary and two allocations), which caps keyed pseudonymisation at about half a
// million ids per second per core. Here the key is set up once per batch and each message
// costs one HMAC re-init, update and final inside OpenSSL. The cryptography is OpenSSL's; this
// file only batches the calls and encodes the digests as unpadded base64url.
//
// hmacSha256Batch(key: Buffer, data: Buffer, offsets: Uint32Array) -> string
//   message i is data[offsets[i] .. offsets[i + 1]); the result holds 43 base64url characters
//   per message, in order.
#include <node_api.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstdint>
#include <string>

namespace {

const char kBase64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr size_t kDigest = 32;
constexpr size_t kEncoded = 43;

void Encode(const unsigned char* md, char* out) {
  size_t k = 0;
  for (size_t j = 0; j + 3 <= 30; j += 3) {
    uint32_t v = (uint32_t(md[j]) << 16) | (uint32_t(md[j + 1]) << 8) | md[j + 2];
    out[k++] = kBase64url[v >> 18];
    out[k++] = kBase64url[(v >> 12) & 63];
    out[k++] = kBase64url[(v >> 6) & 63];
    out[k++] = kBase64url[v & 63];
  }
  uint32_t v = (uint32_t(md[30]) << 16) | (uint32_t(md[31]) << 8);
  out[k++] = kBase64url[v >> 18];
  out[k++] = kBase64url[(v >> 12) & 63];
  out[k++] = kBase64url[(v >> 6) & 63];
}

napi_value Fail(napi_env env, const char* message) {
  napi_throw_error(env, "ERR_HMAC_BATCH", message);
  return nullptr;
}

struct MacContext {
  EVP_MAC* mac = nullptr;
  EVP_MAC_CTX* ctx = nullptr;
  ~MacContext() {
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
  }
};

napi_value HmacSha256Batch(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 3)
    return Fail(env, "hmacSha256Batch(key, data, offsets) takes three arguments");
  bool is;
  void* key;
  size_t keyLength;
  if (napi_is_buffer(env, argv[0], &is) != napi_ok || !is ||
      napi_get_buffer_info(env, argv[0], &key, &keyLength) != napi_ok || keyLength == 0)
    return Fail(env, "key must be a non-empty Buffer");
  void* data;
  size_t dataLength;
  if (napi_is_buffer(env, argv[1], &is) != napi_ok || !is ||
      napi_get_buffer_info(env, argv[1], &data, &dataLength) != napi_ok)
    return Fail(env, "data must be a Buffer");
  napi_typedarray_type type;
  size_t count;
  void* raw;
  if (napi_is_typedarray(env, argv[2], &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, argv[2], &type, &count, &raw, nullptr, nullptr) != napi_ok ||
      type != napi_uint32_array || count == 0)
    return Fail(env, "offsets must be a non-empty Uint32Array");
  const uint32_t* offsets = static_cast<const uint32_t*>(raw);
  const size_t messages = count - 1;
  for (size_t i = 0; i < messages; i++) {
    if (offsets[i] > offsets[i + 1]) return Fail(env, "offsets must not decrease");
  }
  if (offsets[0] != 0 || offsets[messages] > dataLength)
    return Fail(env, "offsets must start at 0 and end within data");

  MacContext m;
  m.mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (m.mac == nullptr) return Fail(env, "OpenSSL has no HMAC");
  m.ctx = EVP_MAC_CTX_new(m.mac);
  char digestName[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digestName, 0),
                         OSSL_PARAM_construct_end()};
  if (m.ctx == nullptr ||
      EVP_MAC_init(m.ctx, static_cast<const unsigned char*>(key), keyLength, params) != 1)
    return Fail(env, "HMAC-SHA256 key setup failed");

  std::string out(messages * kEncoded, '\0');
  unsigned char md[kDigest];
  const unsigned char* bytes = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < messages; i++) {
    size_t length = 0;
    // Re-init with a NULL key restarts from the key state set up above.
    if ((i > 0 && EVP_MAC_init(m.ctx, nullptr, 0, nullptr) != 1) ||
        EVP_MAC_update(m.ctx, bytes + offsets[i], offsets[i + 1] - offsets[i]) != 1 ||
        EVP_MAC_final(m.ctx, md, &length, kDigest) != 1 || length != kDigest)
      return Fail(env, "HMAC-SHA256 failed");
    Encode(md, &out[i * kEncoded]);
  }
  napi_value result;
  if (napi_create_string_latin1(env, out.data(), out.size(), &result) != napi_ok)
    return Fail(env, "cannot create the result string");
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "hmacSha256Batch", NAPI_AUTO_LENGTH, HmacSha256Batch, nullptr, &fn);
  napi_set_named_property(env, exports, "hmacSha256Batch", fn);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
