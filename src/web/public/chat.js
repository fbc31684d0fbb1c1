// Web chat client: no build step, no framework. All text reaches the page through textContent
// (never innerHTML), so nothing a resident or the bot writes can inject markup.
/* global window, document, fetch, setTimeout, clearTimeout, AbortController */
'use strict';

(function () {
  // Before the session cookie, the page kept its own session id here; sent once to be adopted, then dropped.
  var LEGACY_SESSION_KEY = 'motcua.sessionId';
  var API = '/api/chat';
  var log = document.getElementById('log');
  var intro = document.getElementById('intro');
  var quick = document.getElementById('buttons');
  var statusLine = document.getElementById('status');
  var form = document.getElementById('composer');
  var input = document.getElementById('input');
  var sendButton = document.getElementById('send');
  var attach = document.getElementById('attach');
  var fileInput = document.getElementById('file');
  var newChat = document.getElementById('new-chat');
  var MAX_UPLOAD = 10 * 1024 * 1024;

  // Who is chatting is an HttpOnly cookie the server sets (this script never sees it, no URL carries
  // it). sessionReady: the request that makes sure the cookie exists, shared by everything sent.
  var sessionReady = null;
  // Bumped by "Cuộc trò chuyện mới": answers of the previous session's requests are ignored.
  var generation = 0;
  var pollAbort = null;
  var lastId = 0;
  var loadedOnce = false; // the first merge is the stored history: jump to its end
  var rendered = new Map(); // server message id -> element
  var pending = new Map(); // clientMessageId -> element (shown before the server has it)
  var typing = null;
  var typingTimer = null;

  // ---- ids ------------------------------------------------------------------------------
  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    // Plain http on a LAN address has no randomUUID: build a v4 UUID from getRandomValues.
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  // ---- session ---------------------------------------------------------------------------
  function postJson(path, body) {
    return fetch(API + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  }
  function ensureSession() {
    if (!sessionReady) {
      var legacy = null;
      try { legacy = window.localStorage.getItem(LEGACY_SESSION_KEY); } catch { /* private mode */ }
      sessionReady = postJson('/session', legacy && /^[0-9a-f-]{36}$/i.test(legacy) ? { legacySessionId: legacy } : {}).then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        try { window.localStorage.removeItem(LEGACY_SESSION_KEY); } catch { /* private mode */ }
      });
      sessionReady.catch(function () { sessionReady = null; });
    }
    return sessionReady;
  }
  /** A request with the session cookie; once more after a 401 (the cookie expired or was cleared). */
  function withSession(request) {
    return ensureSession().then(request).then(function (res) {
      if (res.status !== 401) return res;
      sessionReady = null;
      return ensureSession().then(request);
    });
  }

  // ---- rendering ------------------------------------------------------------------------
  // Links: http(s) URLs, and the site's own pages (the privacy notice links to /rieng-tu.html).
  var URL_RE = /(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]|\/[a-z0-9-]+\.html)/g;
  var MAX_QUICK = 3; // quick replies shown before "Thêm lựa chọn"

  /** Text with clickable links, built from text nodes and <a> elements only. */
  function fillText(el, text) {
    var at = 0;
    text.replace(URL_RE, function (url, _g, index) {
      if (index > at) el.appendChild(document.createTextNode(text.slice(at, index)));
      var a = document.createElement('a');
      a.href = url;
      a.textContent = url.charAt(0) === '/' ? 'Xem chi tiết' : url;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      el.appendChild(a);
      at = index + url.length;
      return url;
    });
    if (at < text.length) el.appendChild(document.createTextNode(text.slice(at)));
  }

  function node(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) fillText(el, text);
    return el;
  }

  var BULLET = /^\s*(?:[-•*]|\d+[.)])\s+/;

  /**
   * A bot answer as a small document: the "📋 title" line as a heading, "Section:" lines as
   * subheadings, "- " lines as lists, links clickable. The server sends the same plain text to every
   * channel; only the page lays it out. Lines that repeat a button (clarify options) are left out.
   */
  function fillAnswer(el, text, buttons) {
    var labels = (buttons || []).map(function (b) { return b.label.trim(); });
    text.split(/\n{2,}/).forEach(function (block) {
      var lines = block.split('\n').filter(function (line) { return labels.indexOf(line.trim()) < 0; });
      if (lines.length === 0) return;
      if (/^📋 /.test(lines[0])) {
        el.appendChild(node('h2', 'answer-title', lines.shift().replace(/^📋 /, '')));
      } else if (lines.length > 1 && /:$/.test(lines[0]) && lines[0].length <= 48) {
        el.appendChild(node('h3', 'answer-section', lines.shift().replace(/:$/, '')));
      }
      var list = null;
      lines.forEach(function (line) {
        if (BULLET.test(line)) {
          if (!list) { list = node(/^\s*\d/.test(line) ? 'ol' : 'ul'); el.appendChild(list); }
          list.appendChild(node('li', null, line.replace(BULLET, '')));
        } else {
          list = null;
          el.appendChild(node('p', /^(Nguồn|Cập nhật):/.test(line) ? 'answer-source' : null, line));
        }
      });
    });
  }

  function timeLabel(iso) {
    var d = iso ? new Date(iso) : new Date();
    return ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2);
  }

  function bubble(from, text, buttons, at) {
    var el = document.createElement('div');
    el.className = 'msg ' + (from === 'bot' ? 'bot' : 'me');
    if (from === 'bot') fillAnswer(el, text, buttons);
    else fillText(el, text);
    var time = document.createElement('time');
    time.textContent = timeLabel(at);
    if (at) time.dateTime = at;
    el.appendChild(time);
    return el;
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  function quickButton(b) {
    var btn = document.createElement('button');
    btn.type = 'button';
    btn.textContent = b.label;
    btn.addEventListener('click', function () { send({ text: b.label, action: b.data }); });
    return btn;
  }

  /** A few quick replies (and "Gặp cán bộ") at once; the rest behind one "Thêm lựa chọn" so the answer keeps the screen. */
  function showButtons(buttons) {
    quick.replaceChildren();
    var all = buttons || [];
    var first = all.filter(function (b, i) { return i < MAX_QUICK - 1 || b.data === 'handoff:request'; }).slice(0, MAX_QUICK);
    var rest = all.filter(function (b) { return first.indexOf(b) < 0; });
    first.forEach(function (b) { quick.appendChild(quickButton(b)); });
    if (rest.length === 0) return;
    var more = document.createElement('button');
    more.type = 'button';
    more.className = 'more';
    more.textContent = 'Thêm lựa chọn (' + rest.length + ') ▾';
    more.setAttribute('aria-expanded', 'false');
    more.addEventListener('click', function () {
      more.remove();
      rest.forEach(function (b) { quick.appendChild(quickButton(b)); });
    });
    quick.appendChild(more);
  }

  function setTyping(on) {
    clearTimeout(typingTimer);
    if (on && !typing) {
      typing = document.createElement('div');
      typing.className = 'typing';
      typing.textContent = 'Trợ lý đang trả lời…';
      log.appendChild(typing);
      typingTimer = setTimeout(function () { setTyping(false); }, 20000);
    } else if (!on && typing) {
      typing.remove();
      typing = null;
    }
    scrollDown();
  }

  function setStatus(text) {
    statusLine.hidden = !text;
    statusLine.textContent = text || '';
  }

  /** Merges the server's transcript (oldest first) into the page; idempotent. */
  function merge(items) {
    var newestBot = null;
    var lastNewBot = null;
    var initialLoad = !loadedOnce;
    loadedOnce = true;
    var lastItem = items[items.length - 1];
    items.forEach(function (item) {
      if (rendered.has(item.id)) return;
      var el = (item.clientMessageId && pending.get(item.clientMessageId)) || null;
      if (el) {
        pending.delete(item.clientMessageId);
        el.classList.remove('pending');
      } else {
        el = bubble(item.from, item.text, item.buttons, item.at);
        // Keep server order even if an older message arrives late.
        var next = null;
        rendered.forEach(function (other, id) { if (id > item.id && (!next || id < next.id)) next = { id: id, el: other }; });
        log.insertBefore(el, next ? next.el : typing);
      }
      rendered.set(item.id, el);
      if (item.id > lastId) lastId = item.id;
      if (item.from === 'bot') {
        newestBot = item;
        lastNewBot = el;
      }
    });
    if (items.length > 0) intro.hidden = true;
    if (newestBot) setTyping(false);
    // Quick replies belong to the latest message only, and only if the bot spoke last.
    if (lastItem && lastItem.from === 'bot') showButtons(lastItem.buttons);
    else if (lastItem) showButtons([]);
    // Long answers are read from their beginning: show the start of the newest answer (not the
    // greeting and notice that came with it, not its end).
    if (lastNewBot && !initialLoad) {
      lastNewBot.scrollIntoView({ block: 'start', behavior: 'smooth' });
    } else {
      scrollDown();
    }
  }

  // ---- network ---------------------------------------------------------------------------
  function errorMessage(res, fallback) {
    return res.json().then(
      function (body) { return (body && body.error && body.error.message) || fallback; },
      function () { return fallback; },
    );
  }

  /** The resident's bubble, shown at once and marked pending until the transcript confirms it. */
  function showPending(clientMessageId, text) {
    var el = bubble('me', text);
    el.classList.add('pending');
    log.insertBefore(el, typing);
    pending.set(clientMessageId, el);
    intro.hidden = true;
    showButtons([]);
    setTyping(true);
    return el;
  }

  function send(message) {
    var text = (message.text || '').trim();
    if (!text && !message.action) return;
    var clientMessageId = uuid();
    var el = showPending(clientMessageId, text);
    var body = { clientMessageId: clientMessageId, text: text };
    if (message.action) body.action = message.action;
    return withSession(function () { return postJson('/messages', body); }).then(settle(el, 'Chưa gửi được. Anh/chị vui lòng thử lại.'), offline(el));
  }

  /** What a finished POST does to its bubble: nothing when it went through, "failed" and the server's reason otherwise. */
  function settle(el, fallback) {
    return function (res) {
      if (res.ok) { setStatus(''); return; }
      return errorMessage(res, fallback).then(function (msg) {
        el.classList.add('failed');
        setTyping(false);
        setStatus(msg);
      });
    };
  }

  function offline(el) {
    return function () {
      el.classList.add('failed');
      setTyping(false);
      setStatus('Mất kết nối mạng. Anh/chị kiểm tra mạng rồi gửi lại giúp.');
    };
  }

  /** A photo or PDF of the resident's papers: the bytes are the body, the names in headers (never the URL). */
  function sendFile(file) {
    if (!file) return;
    if (file.size > MAX_UPLOAD) { setStatus('Tệp quá lớn (tối đa 10 MB). Anh/chị vui lòng chụp lại ảnh nhỏ hơn hoặc gửi từng trang.'); return; }
    var clientMessageId = uuid();
    // The same words the transcript keeps (chat.history.ts), so a reload shows the same bubble.
    var el = showPending(clientMessageId, file.type.indexOf('image/') === 0 ? '📷 Đã gửi một ảnh' : '📎 Đã gửi một tệp');
    var headers = { 'Content-Type': file.type || 'application/octet-stream', 'X-Client-Message-Id': clientMessageId, 'X-File-Name': encodeURIComponent(file.name) };
    return withSession(function () { return fetch(API + '/uploads', { method: 'POST', headers: headers, body: file }); }).then(
      settle(el, 'Chưa gửi được tệp. Anh/chị vui lòng thử lại.'),
      offline(el),
    );
  }

  function poll(wait) {
    var gen = generation;
    var aborter = new AbortController();
    pollAbort = aborter;
    withSession(function () { return fetch(API + '/messages?after=' + lastId + '&wait=' + wait, { cache: 'no-store', signal: aborter.signal }); })
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json();
      })
      .then(function (body) {
        if (gen !== generation) return; // a new conversation started meanwhile: its own poll runs
        if (statusLine.dataset.offline) { setStatus(''); delete statusLine.dataset.offline; }
        merge(body.items || []);
        poll(25);
      })
      .catch(function () {
        if (gen !== generation) return;
        statusLine.dataset.offline = '1';
        setStatus('Đang kết nối lại…');
        setTimeout(function () { if (gen === generation) poll(0); }, 3000);
      });
  }

  /** The page as on a first visit: nothing of the previous conversation stays on screen. */
  function clearTranscript() {
    rendered.forEach(function (el) { el.remove(); });
    pending.forEach(function (el) { el.remove(); });
    rendered.clear();
    pending.clear();
    lastId = 0;
    loadedOnce = false;
    setTyping(false);
    showButtons([]);
    setStatus('');
    delete statusLine.dataset.offline;
    input.value = '';
    autosize();
    intro.hidden = false;
  }

  /**
   * "Cuộc trò chuyện mới" (a shared phone, a kiosk at the centre): the server gives this device a new
   * session; the old transcript stays on the server (the resident's own erasure and retention apply)
   * but this device can no longer open it.
   */
  function startNewConversation() {
    if (!window.confirm('Bắt đầu cuộc trò chuyện mới? Cuộc trò chuyện hiện tại sẽ không còn hiện trên máy này.')) return;
    generation += 1;
    if (pollAbort) pollAbort.abort();
    clearTranscript();
    sessionReady = postJson('/session/new', {}).then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
    });
    sessionReady.then(
      function () { poll(0); },
      function () {
        sessionReady = null;
        setStatus('Chưa bắt đầu được cuộc trò chuyện mới. Anh/chị kiểm tra mạng rồi bấm lại giúp.');
        poll(0);
      },
    );
    input.focus();
  }

  // ---- wiring ----------------------------------------------------------------------------
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) return;
    input.value = '';
    autosize();
    send({ text: text });
    input.focus();
  });
  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (form.requestSubmit) form.requestSubmit();
      else sendButton.click();
    }
  });
  function autosize() {
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight + 4, window.innerHeight * 0.4) + 'px';
  }
  input.addEventListener('input', autosize);
  Array.prototype.forEach.call(document.querySelectorAll('.example'), function (btn) {
    btn.addEventListener('click', function () { send({ text: btn.textContent }); });
  });

  newChat.addEventListener('click', startNewConversation);

  fileInput.addEventListener('change', function () {
    var file = fileInput.files && fileInput.files[0];
    fileInput.value = '';
    sendFile(file);
  });

  fetch(API + '/info', { cache: 'no-store' }).then(function (r) { return r.json(); }).then(function (info) {
    if (info && info.unitName) document.getElementById('unit-name').textContent = info.unitName;
    if (info && info.uploads) attach.hidden = false;
  }, function () {});

  poll(0);
})();
