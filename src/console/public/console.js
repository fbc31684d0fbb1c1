// Progressive enhancement for the console: every page works without this file (forms post as usual);
// with it, questions become chips, the form is checked as you type and the preview follows.
/* global document, fetch, setTimeout, clearTimeout, Event, URLSearchParams, FormData */
(function () {
  'use strict';
  var csrf = document.body.getAttribute('data-csrf') || '';

  function debounce(fn, ms) {
    var timer;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  // --- chips: a textarea with one item per line becomes removable chips plus an input -------------
  document.querySelectorAll('textarea[data-chips]').forEach(function (area) {
    var box = document.createElement('div');
    box.className = 'chips';
    var list = document.createElement('ul');
    var input = document.createElement('input');
    input.type = 'text';
    input.placeholder = 'Gõ câu hỏi rồi nhấn Enter';
    input.setAttribute('aria-label', 'Thêm một dòng');
    box.appendChild(list);
    box.appendChild(input);
    area.hidden = true;
    area.parentNode.insertBefore(box, area.nextSibling);
    function items() {
      return area.value.split('\n').map(function (s) { return s.trim(); }).filter(Boolean);
    }
    function write(next) {
      area.value = next.join('\n');
      area.dispatchEvent(new Event('input', { bubbles: true }));
      draw();
    }
    function draw() {
      list.textContent = '';
      items().forEach(function (text, i) {
        var li = document.createElement('li');
        li.className = 'chip';
        var span = document.createElement('span');
        span.textContent = text;
        span.contentEditable = 'true';
        span.addEventListener('blur', function () {
          var next = items();
          var value = span.textContent.trim();
          if (value) next[i] = value; else next.splice(i, 1);
          write(next);
        });
        var remove = document.createElement('button');
        remove.type = 'button';
        remove.textContent = '×';
        remove.setAttribute('aria-label', 'Xóa: ' + text);
        remove.addEventListener('click', function () {
          var next = items();
          next.splice(i, 1);
          write(next);
        });
        li.appendChild(span);
        li.appendChild(remove);
        list.appendChild(li);
      });
    }
    input.addEventListener('keydown', function (event) {
      if (event.key !== 'Enter') return;
      event.preventDefault();
      var value = input.value.trim();
      if (!value) return;
      input.value = '';
      write(items().concat([value]));
    });
    draw();
  });

  // --- character counters --------------------------------------------------------------------------
  document.querySelectorAll('[data-count-for]').forEach(function (counter) {
    var field = document.getElementById(counter.getAttribute('data-count-for'));
    var max = Number(field.getAttribute('data-max'));
    function update() {
      counter.textContent = field.value.length.toLocaleString('vi-VN') + ' / ' + max.toLocaleString('vi-VN') + ' ký tự';
      counter.classList.toggle('over', field.value.length > max);
    }
    field.addEventListener('input', update);
    update();
  });

  // --- live check and preview ----------------------------------------------------------------------
  var form = document.querySelector('form.entry-form[data-check]');
  if (form) {
    var check = debounce(function () {
      var body = new URLSearchParams(new FormData(form));
      fetch(form.getAttribute('data-check'), { method: 'POST', body: body, headers: { 'x-csrf-token': csrf }, credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (result) {
          if (!result) return;
          form.querySelectorAll('.err[data-for]').forEach(function (p) {
            var problems = result.problems[p.getAttribute('data-for')];
            p.textContent = problems ? problems.join(' ') : '';
          });
          var preview = document.getElementById('preview');
          // Server-rendered and escaped there (the same function as the first page load).
          if (preview) preview.innerHTML = result.preview || '<p class="muted">Sửa các lỗi để xem trước.</p>';
        })
        .catch(function () {});
    }, 400);
    form.addEventListener('input', check);
  }

  // --- import upload -------------------------------------------------------------------------------
  var upload = document.getElementById('import-form');
  if (upload) {
    upload.addEventListener('submit', function (event) {
      event.preventDefault();
      var file = upload.querySelector('input[type=file]').files[0];
      var out = document.getElementById('import-result');
      if (!file) return;
      out.textContent = 'Đang đọc tệp…';
      fetch(upload.getAttribute('data-upload') + '?name=' + encodeURIComponent(file.name), {
        method: 'POST',
        body: file,
        headers: { 'x-csrf-token': csrf, 'content-type': 'application/octet-stream' },
        credentials: 'same-origin',
      })
        .then(function (r) { return r.text(); })
        .then(function (text) { out.innerHTML = text; })
        .catch(function () { out.textContent = 'Không gửi được tệp: kiểm tra kết nối rồi thử lại.'; });
    });
  }
})();
