/**
 * What the web surface answers when it refuses something: the chat page shows `message` as is, and
 * any other client (a browser on a wrong address, a script) gets the same words. `code` is the
 * stable name of the refusal (never an internal or library error code).
 */
export const chatRefusals = {
  file_too_large: { status: 413, message: 'Tệp quá lớn (tối đa 10 MB). Anh/chị vui lòng chụp lại ảnh nhỏ hơn hoặc gửi từng trang.' },
  file_empty: { status: 400, message: 'Tệp này trống (0 byte). Anh/chị vui lòng chọn lại ảnh hoặc tệp PDF.' },
  bad_file: { status: 415, message: 'Chỉ gửi được ảnh (JPG, PNG) hoặc tệp PDF. Anh/chị vui lòng chọn lại.' },
  busy_resident: { status: 429, message: 'Anh/chị đang gửi một tệp khác. Vui lòng chờ tệp đó gửi xong rồi gửi tiếp.' },
  busy: { status: 503, message: 'Đang có nhiều người gửi tệp cùng lúc. Anh/chị vui lòng thử lại sau ít phút.' },
  too_large: { status: 413, message: 'Tin nhắn quá dài. Anh/chị vui lòng gửi ngắn hơn, chia làm vài tin.' },
  invalid: { status: 400, message: 'Không đọc được tin nhắn này. Anh/chị vui lòng tải lại trang và thử lại.' },
  no_session: { status: 401, message: 'Phiên trò chuyện đã hết. Anh/chị vui lòng tải lại trang rồi gửi lại.' },
  rate_limited: { status: 429, message: 'Anh/chị gửi hơi nhanh. Vui lòng chờ một chút rồi gửi tiếp.' },
  unavailable: { status: 503, message: 'Hệ thống đang khởi động lại. Anh/chị vui lòng thử lại sau ít phút.' },
} as const;

/** Refusals of any request the app cannot read or route (src/web/app.ts), by stable code. */
export const httpRefusals = {
  not_found: { status: 404, title: 'Không tìm thấy trang', message: 'Không có trang này. Anh/chị vui lòng kiểm tra lại địa chỉ hoặc quay về trang hỏi đáp.' },
  body_too_large: { status: 413, title: 'Nội dung quá lớn', message: 'Nội dung gửi lên quá lớn. Anh/chị vui lòng gửi ngắn hơn.' },
  bad_encoding: { status: 415, title: 'Không đọc được nội dung', message: 'Không đọc được nội dung gửi lên (bảng mã hoặc kiểu nén không hỗ trợ). Anh/chị vui lòng tải lại trang và thử lại.' },
  bad_body: { status: 400, title: 'Không đọc được nội dung', message: 'Nội dung gửi lên bị lỗi, không đọc được. Anh/chị vui lòng tải lại trang và thử lại.' },
  bad_request: { status: 400, title: 'Yêu cầu không hợp lệ', message: 'Yêu cầu không hợp lệ. Anh/chị vui lòng tải lại trang và thử lại.' },
  internal: { status: 500, title: 'Hệ thống gặp trục trặc', message: 'Hệ thống đang gặp trục trặc. Anh/chị vui lòng thử lại sau ít phút.' },
} as const;

/** The link under an HTML refusal page. */
export const backToChat = 'Về trang hỏi đáp';
