;;; cofnod-e2e.el --- End-to-end test of cofnod.el with the real cofnod server  -*- lexical-binding: t; -*-

;; Runs cofnod.el with Eglot and Flymake against the real `cofnod lsp', in batch:
;;
;;     COFNOD_E2E_BIN=target/release/cofnod COFNOD_E2E_NOTES=/tmp/notes \
;;     emacs -Q --batch -L editors/emacs -l editors/emacs/test/cofnod-e2e.el
;;
;; On Emacs 28, add `-L DIR' for each of Eglot's, project's, xref's and
;; markdown-mode's folders (Debian: /usr/share/emacs/site-lisp/elpa/*/).
;; tests/emacs.rs runs it that way, after writing the notes folder: it must hold
;; exactly the notes in `cofnod-e2e--notes' (the text of each is in tests/emacs.rs),
;; an empty cofnod.toml, and other.txt, which is never opened.
;;
;; It opens the notes as a user would (cofnod starts by itself), checks the exact
;; findings of each (rule, range as the server sent it in the negotiated position
;; encoding, and the text Flymake underlines), the lines that must not be flagged,
;; the Welsh messages of the Welsh note, the mode line, `cofnod-explain', the
;; preferred quick fix through `eglot-code-actions' and the check after it, and
;; `cofnod-check-workspace'.  Every check prints "ok - ..." or "not ok - ...";
;; lines starting with "# " are information.  It exits with 0 only when all pass,
;; and gives up after `cofnod-e2e--time-limit' seconds in all.  It never saves a
;; note.

;;; Code:

(require 'cl-lib)
(require 'subr-x)
(require 'markdown-mode nil t)          ; optional: without it, .md uses cofnod-markdown-mode
(require 'cofnod)

(defconst cofnod-e2e--time-limit
  (let ((n (string-to-number (or (getenv "COFNOD_E2E_TIME_LIMIT") ""))))
    (if (> n 0) n 120))
  "Seconds the whole test may take (COFNOD_E2E_TIME_LIMIT, default 120).")

(defconst cofnod-e2e--wait-limit 30
  "Seconds to wait for any one thing from the server.")

(defconst cofnod-e2e--notes
  '(("visit.txt"
     :findings (("plain-language/commence" "commence"
                 "“commence” is jargon or officialese: the person this record is about may not know what it means.")
                ("plain-language/signpost" "signposted"))
     :unflagged ("Bore da 😀 — Ŵyn a Siân yn yr ardd."
                 "The MDT (multidisciplinary team) met on 3 May.")
     :status "cofnod: EN+CY·2")
    ("ymweliad.txt"
     :findings (("plain-language/ymgysylltu" "ymgysylltu â"
                 "Jargon neu iaith swyddogol yw “ymgysylltu â”: efallai na fydd y person y mae’r cofnod amdano yn gwybod beth mae’n ei olygu.")
                ("vague/cyflwr-gwael" "mewn cyflwr gwael"
                 "Dydy “mewn cyflwr gwael” ddim yn dweud beth ddigwyddodd."))
     :unflagged ("Aeth y gweithiwr i weld Mrs Jones ddydd Llun.")
     :status "cofnod: CY·2")
    ("plan.md"
     :findings (("plain-language/mdt" "MDT"))
     :unflagged ("We will commence the visits.")
     :status "cofnod: EN·1"))
  "The notes opened, each with its findings, in order: (RULE TEXT [MESSAGE]),
where TEXT is the first occurrence of what the finding covers; the lines that
must have no finding; and the mode line's cofnod part.")

(defvar cofnod-e2e--passed 0)
(defvar cofnod-e2e--failed 0)

(defun cofnod-e2e--result (ok what &optional detail)
  "Report WHAT as passed if OK, else as failed, with DETAIL."
  (if ok
      (progn (cl-incf cofnod-e2e--passed)
             (message "ok - %s" what))
    (cl-incf cofnod-e2e--failed)
    (message "not ok - %s%s" what (if detail (concat ": " detail) ""))))

(defmacro cofnod-e2e-check (what form)
  "Report WHAT as passed if FORM is non-nil, else as failed (errors fail too)."
  `(condition-case err
       (cofnod-e2e--result ,form ,what)
     (error (cofnod-e2e--result nil ,what (format "%S" err)))))

(defun cofnod-e2e-equal (what actual expected)
  "Report WHAT as passed if ACTUAL equals EXPECTED, else as failed, showing both."
  (cofnod-e2e--result (equal actual expected) what
                      (format "got %S, expected %S" actual expected)))

(defun cofnod-e2e--finish ()
  "Print the totals and exit: 0 only when every check passed."
  (message "%d passed, %d failed" cofnod-e2e--passed cofnod-e2e--failed)
  (kill-emacs (if (and (zerop cofnod-e2e--failed) (> cofnod-e2e--passed 0)) 0 1)))

;; Whatever happens, never run for ever (the Rust test has its own guard too).
(run-at-time cofnod-e2e--time-limit nil
             (lambda ()
               (cofnod-e2e--result nil (format "the test finished within %s s" cofnod-e2e--time-limit))
               (cofnod-e2e--finish)))

;;;; Waiting, and being idle

(defun cofnod-e2e--idle ()
  "Run the idle timers, as Emacs does when the user stops typing.
Batch Emacs is never idle, and Eglot sends a change, like Flymake
starts a new check, from an idle timer."
  (dolist (timer (copy-sequence timer-idle-list))
    (when (memq timer timer-idle-list)
      (timer-event-handler timer))))

(defun cofnod-e2e--wait (pred &optional seconds)
  "Wait, idle, until PRED returns non-nil, at most SECONDS; return its value."
  (let ((end (+ (float-time) (or seconds cofnod-e2e--wait-limit)))
        value)
    (while (and (not (setq value (funcall pred))) (< (float-time) end))
      (cofnod-e2e--idle)
      (accept-process-output nil 0.05))
    value))

(defun cofnod-e2e--command-done ()
  "What the command loop does after a command, which batch Emacs does not:
run `post-command-hook' (`eglot-ensure' connects from there), then
redisplay, which runs `window-configuration-change-hook' in the buffer
now shown (Flymake starts there in a buffer that was not shown yet when
Eglot took it on)."
  (run-hooks 'post-command-hook)
  (run-hooks 'window-configuration-change-hook))

;;;; What the buffer shows

(defun cofnod-e2e--findings ()
  "The cofnod findings Flymake has in this buffer, by position.
Each is (RULE BEG END LSP-DIAGNOSTIC FLYMAKE-TEXT)."
  (sort (cl-loop for d in (flymake-diagnostics)
                 for lsp = (cdr (assq 'eglot-lsp-diag (flymake-diagnostic-data d)))
                 when (and lsp (equal (plist-get lsp :source) "cofnod"))
                 collect (list (plist-get (plist-get lsp :data) :rule)
                               (flymake-diagnostic-beg d) (flymake-diagnostic-end d)
                               lsp (flymake-diagnostic-text d)))
        (lambda (a b) (< (nth 1 a) (nth 1 b)))))

(defun cofnod-e2e--rules ()
  "The rules of the cofnod findings in this buffer, by position."
  (mapcar #'car (cofnod-e2e--findings)))

(defun cofnod-e2e--mode-line-text (construct &optional depth)
  "The text of the mode line CONSTRUCT in this buffer, %-constructs left as is.
`format-mode-line' gives \"\" in batch Emacs: this does what it does
with strings, symbols, conditionals, lists, :eval and :propertize."
  (let ((depth (or depth 0)))
    (cond ((> depth 20) "")
          ((stringp construct) construct)
          ((and (symbolp construct) construct (not (eq construct t)) (boundp construct))
           (let ((value (symbol-value construct)))
             (if (stringp value)
                 value
               (cofnod-e2e--mode-line-text value (1+ depth)))))
          ((not (consp construct)) "")
          ((eq (car construct) :eval)
           (cofnod-e2e--mode-line-text (ignore-errors (eval (cadr construct) t)) (1+ depth)))
          ((eq (car construct) :propertize)
           (cofnod-e2e--mode-line-text (cadr construct) (1+ depth)))
          ((integerp (car construct))
           (cofnod-e2e--mode-line-text (cdr construct) (1+ depth)))
          ((and (symbolp (car construct)) (not (keywordp (car construct))) (car construct))
           (cofnod-e2e--mode-line-text
            (if (and (boundp (car construct)) (symbol-value (car construct)))
                (cadr construct)
              (car (cddr construct)))
            (1+ depth)))
          (t (mapconcat (lambda (c) (cofnod-e2e--mode-line-text c (1+ depth)))
                        (if (proper-list-p construct) construct (list (car construct)))
                        "")))))

(defun cofnod-e2e--lighter ()
  "The cofnod part of this buffer's mode line, or nil."
  (let ((line (cofnod-e2e--mode-line-text mode-line-format)))
    (and (string-match "cofnod: [^ ]+" line) (match-string-no-properties 0 line))))

(defun cofnod-e2e--encoding ()
  "The position encoding the server chose (LSP 3.17), else UTF-16."
  (or (plist-get (eglot--capabilities (eglot-current-server)) :positionEncoding) "utf-16"))

(defun cofnod-e2e--lsp-position (pos encoding)
  "The LSP position of POS, \"LINE:CHARACTER\", counted here in ENCODING."
  (save-excursion
    (goto-char pos)
    (let ((before (buffer-substring-no-properties (line-beginning-position) pos)))
      (format "%d:%d" (1- (line-number-at-pos pos))
              (pcase encoding
                ("utf-8" (length (encode-coding-string before 'utf-8)))
                ("utf-32" (length before))
                (_ (+ (length before) (cl-count-if (lambda (c) (> c #xFFFF)) before))))))))

(defun cofnod-e2e--range-string (range)
  "The LSP RANGE as \"L:C-L:C\"."
  (let ((start (plist-get range :start)) (end (plist-get range :end)))
    (format "%d:%d-%d:%d" (plist-get start :line) (plist-get start :character)
            (plist-get end :line) (plist-get end :character))))

(defun cofnod-e2e--text-region (text)
  "The region (BEG . END) of the first TEXT in the buffer, or nil."
  (save-excursion
    (goto-char (point-min))
    (and (search-forward text nil t) (cons (match-beginning 0) (match-end 0)))))

;;;; The checks of one note

(defun cofnod-e2e--open (dir name)
  "Visit the note NAME in DIR as a user does; return its buffer."
  (find-file (expand-file-name name dir))
  (cofnod-e2e--command-done)
  (current-buffer))

(defun cofnod-e2e--check-note (name spec)
  "Check the findings, unflagged lines and mode line of the note NAME (current
buffer) against SPEC, a plist of `cofnod-e2e--notes'."
  (let* ((expected (plist-get spec :findings))
         (rules (mapcar #'car expected)))
    (cofnod-e2e-check (format "%s: cofnod manages it (%s)" name major-mode)
                      (cofnod-e2e--wait (lambda () (and (eglot-current-server)
                                                        (bound-and-true-p eglot--managed-mode)))))
    (cofnod-e2e--wait (lambda () (equal (cofnod-e2e--rules) rules)))
    (cofnod-e2e-equal (format "%s: the findings are exactly %s" name (string-join rules ", "))
                      (cofnod-e2e--rules) rules)
    (let ((encoding (cofnod-e2e--encoding)))
      (pcase-dolist (`(,rule ,text ,message) expected)
        (let* ((found (assoc rule (cofnod-e2e--findings)))
               (region (cofnod-e2e--text-region text))
               (want (and region (format "%s-%s" (cofnod-e2e--lsp-position (car region) encoding)
                                         (cofnod-e2e--lsp-position (cdr region) encoding))))
               (sent (and found (cofnod-e2e--range-string (plist-get (nth 3 found) :range)))))
          (cofnod-e2e--result (and found region (equal sent want))
                              (format "%s: %s at %s (%s) on “%s”" name rule sent encoding text)
                              (format "expected %s" want))
          (cofnod-e2e--result (and found region (= (nth 1 found) (car region)) (= (nth 2 found) (cdr region)))
                              (format "%s: Flymake underlines “%s”" name text)
                              (and found (format "it underlines “%s”"
                                                 (buffer-substring-no-properties (nth 1 found) (nth 2 found)))))
          (when message
            (let ((sent-message (and found (plist-get (nth 3 found) :message))))
              (cofnod-e2e-equal (format "%s: %s says “%s”" name rule message) sent-message message)
              (cofnod-e2e-check (format "%s: Flymake shows the message of %s" name rule)
                                (and found (string-search message (nth 4 found)))))))))
    (dolist (line (plist-get spec :unflagged))
      (let ((region (cofnod-e2e--text-region line)))
        (cofnod-e2e-check (format "%s: nothing flagged on line %s, “%s”" name
                                  (and region (line-number-at-pos (car region))) line)
                          (and region (null (cl-remove-if-not
                                             (lambda (f) (and (< (nth 1 f) (cdr region))
                                                              (> (nth 2 f) (car region))))
                                             (cofnod-e2e--findings)))))))
    (cofnod-e2e--wait (lambda () (equal (cofnod-e2e--lighter) (plist-get spec :status))))
    (cofnod-e2e-equal (format "%s: the mode line shows “%s”" name (plist-get spec :status))
                      (cofnod-e2e--lighter) (plist-get spec :status))))

;;;; The test

(defun cofnod-e2e--explain-at (text buffer-name first-line &rest has)
  "Run `cofnod-explain' at TEXT, as `M-x cofnod-explain' does, and check the
read-only BUFFER-NAME it shows: its FIRST-LINE, and that it HAS each string."
  (let ((region (cofnod-e2e--text-region text))
        (note (current-buffer)))
    (goto-char (+ (car region) 2))
    (call-interactively #'cofnod-explain)
    (let ((buffer (get-buffer buffer-name)))
      (cofnod-e2e-check (format "cofnod-explain at “%s” shows %s, read-only" text buffer-name)
                        (and buffer (get-buffer-window buffer)
                             (buffer-local-value 'buffer-read-only buffer)))
      (when buffer
        (with-current-buffer buffer
          (let ((text (buffer-substring-no-properties (point-min) (point-max))))
            (cofnod-e2e-equal (format "%s begins “%s”" buffer-name first-line)
                              (car (split-string text "\n")) first-line)
            (dolist (string has)
              (cofnod-e2e-check (format "%s has “%s”" buffer-name string)
                                (string-search string text)))))))
    (set-buffer note)))

(defun cofnod-e2e--quick-fix (name text new-line)
  "Apply the preferred quick fix of the finding on TEXT in NAME with
`M-x eglot-code-actions RET RET' and check that its line becomes NEW-LINE."
  (let* ((region (cofnod-e2e--text-region text))
         (line (line-number-at-pos (car region)))
         (before (buffer-string))
         (want (with-temp-buffer
                 (insert before)
                 (goto-char (point-min))
                 (forward-line (1- line))
                 (delete-region (point) (line-end-position))
                 (insert new-line)
                 (buffer-string)))
         (file buffer-file-name)
         (on-disk (with-temp-buffer (insert-file-contents file) (buffer-string)))
         (actions (progn (goto-char (+ (car region) 2))
                         (eglot-code-actions (car region) (cdr region))))
         (preferred (cl-find-if (lambda (a) (eq (plist-get a :isPreferred) t)) actions))
         (offered nil)
         (asked nil))
    (message "# %s: code actions at “%s”: %s" name text
             (mapconcat (lambda (a) (format "%s [%s%s]" (plist-get a :title) (plist-get a :kind)
                                            (if (eq (plist-get a :isPreferred) t) ", preferred" "")))
                        actions " | "))
    (cofnod-e2e-check (format "%s: the preferred quick fix is “%s”" name (plist-get preferred :title))
                      (and preferred (equal (plist-get preferred :kind) "quickfix")
                           (plist-get preferred :edit)))
    ;; M-x eglot-code-actions with point in the word, then RET at the prompt:
    ;; the default offered is the preferred action.
    (cl-letf* ((last-nonmenu-event ?\r)
               ((symbol-function 'completing-read)
                (lambda (_prompt _collection &optional _pred _match _initial _hist def &rest _)
                  (setq offered (if (consp def) (car def) def))))
               ((symbol-function 'y-or-n-p)
                (lambda (prompt) (setq asked prompt) nil)))
      (goto-char (+ (car region) 2))
      (call-interactively #'eglot-code-actions))
    (cofnod-e2e-equal (format "%s: eglot-code-actions offers “%s” by default" name (plist-get preferred :title))
                      offered (plist-get preferred :title))
    (cofnod-e2e-equal (format "%s: the edit was made without asking" name) asked nil)
    (cofnod-e2e-equal (format "%s: line %d is now “%s”" name line new-line)
                      (buffer-string) want)
    (cofnod-e2e-check (format "%s: the fix is in the buffer, not saved" name)
                      (and (buffer-modified-p)
                           (equal on-disk (with-temp-buffer (insert-file-contents file)
                                                            (buffer-string)))))))

(defun cofnod-e2e--run (bin dir)
  "The test, with the cofnod program BIN and the notes in DIR."
  (setq dir (file-name-as-directory (expand-file-name dir)))
  (message "# %s; Eglot from %s; %s" (car (split-string (emacs-version) "\n"))
           (file-name-directory (locate-library "eglot"))
           (if (featurep 'markdown-mode) "markdown-mode" "no markdown-mode"))
  (cofnod-e2e-check (format "the cofnod program is runnable (%s)" bin) (file-executable-p bin))
  (cofnod-e2e-check "the notes folder has the notes"
                    (cl-every (lambda (n) (file-readable-p (expand-file-name (car n) dir)))
                              cofnod-e2e--notes))
  (setq cofnod-program bin)
  ;; The notes folder is a plain folder, not under version control, as a
  ;; practitioner's would be: no project, so cofnod-check-workspace falls back
  ;; to the folder Eglot started cofnod for.
  (global-eldoc-mode -1)
  (let ((visit (cdr (assoc "visit.txt" cofnod-e2e--notes))))
    ;; 1. An English .txt note with Welsh letters and an emoji before a finding.
    (cofnod-e2e--open dir "visit.txt")
    (cofnod-e2e-check "visit.txt: opening it starts cofnod (text-mode-hook, eglot-ensure)"
                      (cofnod-e2e--wait #'eglot-current-server))
    (cofnod-e2e-check (format "cofnod-program %s is what runs"
                              (file-name-nondirectory bin))
                      (equal (car (process-command (jsonrpc--process (eglot-current-server))))
                             bin))
    (cofnod-e2e--check-note "visit.txt" visit)
    ;; 2. cofnod-explain on the finding at point.
    (cofnod-e2e--explain-at "commence" "*cofnod: plain-language/commence*" "# Plain language"
                            "`plain-language/commence`: commence" "**Plain language** (`plain-language`)"
                            "Write in the everyday words the person would use.")
    ;; 3. The preferred quick fix, then the check of the new text.
    (cofnod-e2e--quick-fix "visit.txt" "commence"
                           "After Siân’s 😀 call we will start the visits on Monday.")
    (cofnod-e2e--wait (lambda () (equal (cofnod-e2e--rules) '("plain-language/signpost"))))
    (cofnod-e2e-equal "visit.txt: after the fix, the findings are exactly plain-language/signpost"
                      (cofnod-e2e--rules) '("plain-language/signpost"))
    (cofnod-e2e--wait (lambda () (equal (cofnod-e2e--lighter) "cofnod: EN+CY·1")))
    (cofnod-e2e-equal "visit.txt: after the fix, the mode line shows “cofnod: EN+CY·1”"
                      (cofnod-e2e--lighter) "cofnod: EN+CY·1"))
  ;; 4. A Welsh note: Welsh messages, and the explanation in Welsh.
  (cofnod-e2e--open dir "ymweliad.txt")
  (cofnod-e2e--check-note "ymweliad.txt" (cdr (assoc "ymweliad.txt" cofnod-e2e--notes)))
  (cofnod-e2e--explain-at "ymgysylltu" "*cofnod: plain-language/ymgysylltu*" "# Iaith glir"
                          "`plain-language/ymgysylltu`: ymgysylltu" "**Iaith glir** (`plain-language`)")
  ;; 5. A Markdown note: checked as Markdown (nothing in a code block).
  (cofnod-e2e--open dir "plan.md")
  (cofnod-e2e--check-note "plan.md" (cdr (assoc "plan.md" cofnod-e2e--notes)))
  (cofnod-e2e-check "all three notes share one cofnod server"
                    (= 1 (length (delete-dups
                                  (mapcar (lambda (n) (with-current-buffer (get-file-buffer (expand-file-name (car n) dir))
                                                        (eglot-current-server)))
                                          cofnod-e2e--notes)))))
  ;; 6. cofnod-check-workspace: every note, other.txt (never opened) too.
  (let ((said nil)
        (other (expand-file-name "other.txt" dir)))
    (cl-flet ((record (s) (push s said) s))
      (advice-add 'message :filter-return #'record)
      (unwind-protect
          (progn
            (call-interactively #'cofnod-check-workspace)
            ;; It runs in the background, and says when it is done.
            (cofnod-e2e--wait
             (lambda () (cl-find-if (lambda (s) (and (stringp s) (string-prefix-p "cofnod checked" s)))
                                    said))))
        (advice-remove 'message #'record)))
    (cofnod-e2e-equal "cofnod-check-workspace reports the totals"
                      (cl-find-if (lambda (s) (and (stringp s) (string-prefix-p "cofnod checked" s))) said)
                      "cofnod checked 4 files: 5 findings")
    (let ((listed (cofnod-e2e--wait (lambda () (cdr (assoc other flymake-list-only-diagnostics))))))
      (dolist (d listed)
        (message "# other.txt: %S %s" (flymake-diagnostic-beg d) (flymake-diagnostic-text d)))
      (cofnod-e2e-check "other.txt, not open: its one finding, at line 1 column 14, is listed for the project"
                        (and (= (length listed) 1)
                             (equal (flymake-diagnostic-beg (car listed)) '(1 . 14))
                             (string-search "“regularly” does not say what happened."
                                            (flymake-diagnostic-text (car listed))))))
    (cofnod-e2e-check "the project's findings are listed in a Flymake buffer"
                      (cl-find-if (lambda (b) (with-current-buffer b
                                                (and (derived-mode-p 'flymake-project-diagnostics-mode)
                                                     (get-buffer-window b))))
                                  (buffer-list))))
  ;; Nothing was saved.
  (cofnod-e2e-check "visit.txt on disk is unchanged"
                    (with-temp-buffer
                      (insert-file-contents (expand-file-name "visit.txt" dir))
                      (search-forward "will commence the visits" nil t)))
  (let ((server (eglot-current-server)))
    (eglot-shutdown server)
    (cofnod-e2e-check "cofnod lsp answers shutdown and is gone"
                      (cofnod-e2e--wait (lambda () (not (process-live-p (jsonrpc--process server))))
                                        10))))

(let ((bin (getenv "COFNOD_E2E_BIN"))
      (dir (getenv "COFNOD_E2E_NOTES")))
  (condition-case err
      (if (not (and bin dir (not (string-empty-p bin)) (not (string-empty-p dir))))
          (cofnod-e2e--result nil "COFNOD_E2E_BIN and COFNOD_E2E_NOTES are set")
        (cofnod-e2e--run (expand-file-name bin) dir))
    (error (cofnod-e2e--result nil "the test ran to the end" (error-message-string err))))
  (cofnod-e2e--finish))

;;; cofnod-e2e.el ends here
