/* The web editor's own parts next to Decap CMS (copied to /admin/editor.js by the build).
 *
 * - The widget "swk-date": a date and, for a date-time field, an optional time. It stores
 *   "YYYY-MM-DD" (a day: all day for an event) or "YYYY-MM-DDTHH:MM" (Amsterdam time), as
 *   the content contract reads them. A value written in Git (with seconds or an offset) is
 *   shown in Amsterdam time and saved unchanged unless the editor changes it.
 * - The widget "swk-events" (a newsletter's events): "upcoming", a list chosen with Decap's
 *   own relation widget, or none; Decap's relation widget alone cannot say "upcoming".
 * - Preview templates per collection, in the theme's markup, styled by the site's CSS.
 * - A notice when the editor cannot log in (no login service set, or it cannot be reached).
 *
 * The Dutch wording of dates comes from the build (window.SWK_EDITOR_DATA: Babel's month and
 * weekday names, the theme's labels); whenText and placeText are ports of
 * plugins/content_model/eventtext.py, and a test compares them with the Python on the same values.
 * No build step: plain ES5 with Decap's globals CMS, h (React.createElement), createClass.
 */
(function () {
  "use strict";

  var DATA = window.SWK_EDITOR_DATA;
  var ZONE = "Europe/Amsterdam";

  // --- moments as the contract allows them ------------------------------------------------

  // "2023-02-16", "2023-02-16T15:00", with seconds, fractions, "Z" or an offset (as
  // content_model.validate.parse_datetime). Decap's YAML reads "...:00Z" as a Date object.
  var MOMENT_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function validDay(y, mo, d) {
    var t = new Date(Date.UTC(y, mo - 1, d));
    return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
  }

  function inAmsterdam(instant) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: ZONE, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit"
    }).formatToParts(instant).forEach(function (p) { parts[p.type] = p.value; });
    return { y: +parts.year, mo: +parts.month, d: +parts.day, h: +parts.hour,
             mi: +parts.minute, s: +parts.second, allDay: false };
  }

  /* A stored value as {y, mo, d, h, mi, s, allDay} in Amsterdam time, or null. */
  function parseMoment(value) {
    if (value === null || value === undefined || value === "") return null;
    if (value instanceof Date) return isNaN(value.getTime()) ? null : inAmsterdam(value);
    var m = MOMENT_RE.exec(String(value).trim());
    if (!m) return null;
    var y = +m[1], mo = +m[2], d = +m[3];
    if (!validDay(y, mo, d)) return null;
    if (m[4] === undefined) return { y: y, mo: mo, d: d, h: 0, mi: 0, s: 0, allDay: true };
    var h = +m[4], mi = +m[5], s = +(m[6] || 0);
    if (h > 23 || mi > 59 || s > 59) return null;
    if (m[7]) {
      var offset = m[7] === "Z" ? "Z" : m[7].replace(/^([+-]\d{2}):?(\d{2})$/, "$1:$2");
      var instant = new Date(m[1] + "-" + m[2] + "-" + m[3] + "T" + m[4] + ":" + m[5] + ":" + pad(s) + offset);
      return isNaN(instant.getTime()) ? null : inAmsterdam(instant);
    }
    return { y: y, mo: mo, d: d, h: h, mi: mi, s: s, allDay: false };
  }

  function dayKey(p) { return p.y * 10000 + p.mo * 100 + p.d; }
  function momentKey(p) { return dayKey(p) * 1000000 + p.h * 10000 + p.mi * 100 + p.s; }
  function isoDay(p) { return p.y + "-" + pad(p.mo) + "-" + pad(p.d); }
  function isoTime(p) { return pad(p.h) + ":" + pad(p.mi); }

  // --- Dutch wording (dutch_dates and content_model.eventtext) --------------------------------------

  function nlDate(p) { return p.d + " " + DATA.months[p.mo - 1] + " " + p.y; }
  function nlDay(p) { return DATA.days[new Date(Date.UTC(p.y, p.mo - 1, p.d)).getUTCDay()] + " " + nlDate(p); }
  function nlTime(p) { return p.h + "." + pad(p.mi); }  /* 9.00, as the City writes times */

  function part(p, allDay) {
    return allDay ? nlDay(p) : nlDay(p) + ", " + nlTime(p) + " uur";
  }

  /* content_model.eventtext.when_text: "donderdag 16 februari 2023, 15.00–18.00 uur". */
  function whenText(startValue, endValue) {
    var start = parseMoment(startValue);
    if (!start) return "";
    var end = parseMoment(endValue);
    if (!end) return part(start, start.allDay);
    if (dayKey(start) === dayKey(end)) {
      if (start.allDay || end.allDay) return part(start, start.allDay);
      if (momentKey(start) === momentKey(end)) return part(start, false);
      return nlDay(start) + ", " + nlTime(start) + "\u2013" + nlTime(end) + " uur";
    }
    return part(start, start.allDay) + (end.allDay ? " tot en met " : " tot ") + part(end, end.allDay);
  }

  /* content_model.eventtext.place_text */
  function placeText(location, online) {
    if (location && online) return location + " en online";
    if (location) return location;
    return online ? "online" : "";
  }

  /* The build's rule (content_model.validate): with a date alone on either side the days
     are compared, otherwise the moments. */
  function endsBeforeStart(start, end) {
    if (!start || !end) return false;
    return start.allDay || end.allDay ? dayKey(end) < dayKey(start) : momentKey(end) < momentKey(start);
  }

  // --- the date widget --------------------------------------------------------------------

  function fieldsOf(value) {
    var p = parseMoment(value);
    if (!p) return { date: "", time: "" };
    return { date: isoDay(p), time: p.allDay ? "" : isoTime(p) };
  }

  /* The widget's state for a stored value. A value this widget would not write itself
     (seconds, an offset, a time on a date field) is kept as it is until the editor changes
     the date or the time. */
  function stateOf(value) {
    var shown = fieldsOf(value);
    var own = shown.date + (shown.time ? "T" + shown.time : "");
    var text = value instanceof Date ? "" : String(value || "").trim();
    return { date: shown.date, time: shown.time, kept: value && text !== own ? value : null };
  }

  var DateControl = createClass({
    getInitialState: function () {
      return stateOf(this.props.value);
    },

    // Decap re-renders a widget only when its own value changes unless it says otherwise;
    // isValid needs the entry as it is now (an end is checked against the current start)
    shouldComponentUpdate: function () {
      return true;
    },

    componentDidUpdate: function (previous) {
      // a value from elsewhere (an entry loaded or restored), not what this widget wrote
      if (this.props.value !== previous.value && this.props.value !== this.written) {
        this.setState(stateOf(this.props.value));
      }
    },

    withTime: function () {
      return this.props.field.get("time") === true;
    },

    update: function (date, time) {
      this.setState({ date: date, time: time, kept: null });
      this.written = date ? (time ? date + "T" + time : date) : "";
      this.props.onChange(this.written);
    },

    isValid: function () {
      if (this.state.time && !this.state.date) {
        return { error: { message: "Vul bij " + this.props.field.get("label") + " ook een datum in, of maak de tijd leeg." } };
      }
      var other = this.props.field.get("not_before");
      if (other && this.props.entry) {
        var start = parseMoment(this.props.entry.getIn(["data", other]));
        if (endsBeforeStart(start, parseMoment(this.props.value))) {
          return { error: { message: "Het einde ligt vóór het begin; kies een latere datum of tijd." } };
        }
      }
      return true;
    },

    render: function () {
      var self = this;
      var id = this.props.forID;
      var label = this.props.field.get("label");
      var showTime = this.withTime() || this.state.time;
      var focus = { onFocus: this.props.setActiveStyle, onBlur: this.props.setInactiveStyle };
      // the date input has Decap's label (the field's); the time input its own
      var children = [
        h("input", Object.assign({
          key: "date", id: id, type: "date", value: this.state.date,
          onChange: function (e) { self.update(e.target.value, self.state.time); }
        }, focus))
      ];
      if (showTime) {
        children.push(h("div", { key: "time" },
          h("label", { htmlFor: id + "-tijd" }, h("span", { className: "swk-vh" }, label + ": "),
            this.withTime() ? "Tijd (leeg: de hele dag)" : "Tijd"),
          h("input", Object.assign({
            id: id + "-tijd", type: "time", value: this.state.time,
            onChange: function (e) { self.update(self.state.date, e.target.value); }
          }, focus))));
      }
      if (!this.props.field.get("required", true) && (this.state.date || this.state.time)) {
        children.push(h("button", {
          key: "clear", type: "button", onClick: function () { self.update("", ""); }
        }, h("span", { className: "swk-vh" }, label + ": "), "Wissen"));
      }
      if (this.state.kept) {
        children.push(h("p", { key: "kept", className: "swk-kept" },
          "Opgeslagen als " + String(this.state.kept instanceof Date ? this.state.kept.toISOString() : this.state.kept) +
          "; dat blijft zo tot je de datum of tijd verandert."));
      }
      return h("div", { className: this.props.classNameWrapper }, h("div", { className: "swk-date" }, children));
    }
  });

  // --- a newsletter's events: "upcoming", chosen ones, or none ------------------------------

  var EVENT_CHOICES = [
    ["upcoming", "De komende evenementen (vanzelf bij elke bouw)"],
    ["chosen", "Zelf gekozen evenementen"],
    ["none", "Geen evenementen"]
  ];

  function eventsMode(value) {
    if (value === "upcoming") return "upcoming";
    var items = value && value.toJS ? value.toJS() : value;
    return items && items.length ? "chosen" : "none";
  }

  var EventsControl = createClass({
    getInitialState: function () {
      return { mode: eventsMode(this.props.value) };
    },

    // Decap re-renders a widget only when its value changes, unless the widget says otherwise;
    // the relation control inside also needs its search results (queryHits)
    shouldComponentUpdate: function () {
      return true;
    },

    choose: function (mode) {
      this.setState({ mode: mode });
      if (mode === "upcoming") this.props.onChange("upcoming");
      else if (mode === "none" || eventsMode(this.props.value) !== "chosen") this.props.onChange("");
    },

    render: function () {
      var self = this;
      var id = this.props.forID;
      var relation = CMS.getWidget("relation").control;
      var value = this.props.value;
      var radios = EVENT_CHOICES.map(function (choice) {
        return h("label", { key: choice[0], className: "swk-choice" },
          h("input", {
            type: "radio", name: id + "-soort", value: choice[0], checked: self.state.mode === choice[0],
            onChange: function () { self.choose(choice[0]); }
          }), " ", choice[1]);
      });
      return h("div", { className: this.props.classNameWrapper },
        h("fieldset", { className: "swk-choices" },
          h("legend", { className: "swk-vh" }, this.props.field.get("label")), radios),
        this.state.mode === "chosen" ? h(relation, Object.assign({}, this.props, {
          key: "relation",
          field: this.props.field.set("widget", "relation"),
          value: value === "upcoming" ? "" : value
        })) : null);
    }
  });

  function DatePreview(props) {
    var p = parseMoment(props.value);
    return h("p", null, p ? part(p, p.allDay) : "");
  }

  // --- previews in the theme's markup -------------------------------------------------------

  function get(entry, name) {
    var value = entry.getIn(["data", name]);
    return value === undefined || value === null ? "" : value;
  }

  function list(entry, name) {
    var value = entry.getIn(["data", name]);
    if (!value) return [];
    return typeof value === "string" ? [value] : value.toJS ? value.toJS() : value;
  }

  /* The title of a referenced item, from the relation widget's metadata when the editor
     picked it in this session; otherwise its file name. */
  function refTitle(props, field, type, slug) {
    var meta = props.fieldsMetaData && props.fieldsMetaData.getIn([field, DATA.collections[type], slug]);
    return (meta && meta.get && meta.get("title")) || slug;
  }

  function asset(props, path) {
    return path ? String(props.getAsset(path)) : "";
  }

  function time(p, text) {
    return h("time", { dateTime: p.allDay ? isoDay(p) : isoDay(p) + "T" + isoTime(p) }, text);
  }

  function page(content) {
    return h("main", { id: "inhoud", className: "wrap" }, content);
  }

  function ArticlePreview(props) {
    var e = props.entry;
    var day = parseMoment(get(e, "date"));
    var image = get(e, "image");
    var footer = [];
    var people = list(e, "people"), partners = list(e, "partners"), events = list(e, "events"), tags = list(e, "tags");
    if (people.length) {
      footer.push(h("h2", { key: "ph" }, "Personen"),
        h("ul", { key: "p", className: "plain" }, people.map(function (n) { return h("li", { key: n }, n); })));
    }
    if (partners.length) {
      footer.push(h("h2", { key: "pah" }, "Partners in dit artikel"),
        h("ul", { key: "pa", className: "plain" }, partners.map(function (s) {
          return h("li", { key: s }, h("a", { href: "#" }, refTitle(props, "partners", "partner", s)));
        })));
    }
    if (events.length) {
      footer.push(h("h2", { key: "eh" }, "Evenementen"),
        h("ul", { key: "e", className: "plain" }, events.map(function (s) {
          return h("li", { key: s }, h("a", { href: "#" }, refTitle(props, "events", "event", s)));
        })));
    }
    if (tags.length) {
      footer.push(h("h2", { key: "th" }, "Trefwoorden"),
        h("ul", { key: "t", className: "chips" }, tags.map(function (t) { return h("li", { key: t }, h("a", { href: "#" }, t)); })));
    }
    return page(h("article", { className: "article" },
      h("header", null,
        h("p", { className: "meta" },
          get(e, "category") ? h("a", { className: "label", href: "#" }, get(e, "category")) : null,
          " ", day ? time(day, nlDate(day)) : null),
        h("h1", null, get(e, "title")),
        h("p", { className: "lead" }, get(e, "summary"))),
      image ? h("img", { className: "article-image", src: asset(props, image), alt: get(e, "image_alt") }) : null,
      h("div", { className: "prose" }, props.widgetFor("body")),
      h("footer", { className: "article-footer" }, footer)));
  }

  function EventPreview(props) {
    var e = props.entry;
    var title = get(e, "title");
    var kind = DATA.event_kinds[get(e, "kind")] || "";
    var badge = kind && kind.toLowerCase() !== String(title).toLowerCase() ? kind : "";
    var start = parseMoment(get(e, "start"));
    var where = placeText(get(e, "location"), get(e, "online") === true);
    var partners = list(e, "partners");
    var registration = get(e, "registration");
    var facts = [h("div", { key: "w" }, h("dt", null, "Wanneer"),
      h("dd", null, start ? time(start, whenText(get(e, "start"), get(e, "end"))) : ""))];
    if (where) facts.push(h("div", { key: "p" }, h("dt", null, "Waar"), h("dd", null, where)));
    if (partners.length) {
      facts.push(h("div", { key: "o" }, h("dt", null, "Organisatie"), h("dd", null, partners.map(function (s, i) {
        return [i ? ", " : "", h("a", { key: s, href: "#" }, refTitle(props, "partners", "partner", s))];
      }))));
    }
    return page(h("article", { className: "event" },
      h("header", null,
        badge ? h("p", { className: "meta" }, h("span", { className: "label" }, badge)) : null,
        h("h1", null, title),
        get(e, "summary") ? h("p", { className: "lead" }, get(e, "summary")) : null),
      h("dl", { className: "facts" }, facts),
      h("p", { className: "event-actions" },
        registration ? h("a", { className: "button", href: "#" },
          registration.indexOf("mailto:") === 0 ? "Aanmelden per e-mail" : "Aanmelden") : null,
        " ", h("a", { className: "button secondary", href: "#" }, "Zet in je agenda")),
      h("div", { className: "prose" }, props.widgetFor("body"))));
  }

  function PartnerPreview(props) {
    var e = props.entry;
    var title = get(e, "title");
    var facts = [];
    var values = {
      kind: DATA.partner_kinds[get(e, "kind")],
      district: DATA.districts[get(e, "district")],
      sector: get(e, "sector") ? String(get(e, "sector")).charAt(0).toUpperCase() + String(get(e, "sector")).slice(1) : ""
    };
    ["kind", "district", "sector"].forEach(function (key) {
      if (values[key]) facts.push(h("div", { key: key }, h("dt", null, DATA.facets[key]), h("dd", null, h("a", { href: "#" }, values[key]))));
    });
    if (get(e, "since")) facts.push(h("div", { key: "since" }, h("dt", null, "Partner sinds"), h("dd", null, String(get(e, "since")))));
    var website = get(e, "website");
    if (website) facts.push(h("div", { key: "web" }, h("dt", null, DATA.contact.website),
      h("dd", null, h("a", { href: "#" }, website.replace(/^[a-z]+:\/\//, "").replace(/\/$/, "")))));
    if (get(e, "email")) facts.push(h("div", { key: "mail" }, h("dt", null, DATA.contact.email), h("dd", null, h("a", { href: "#" }, get(e, "email")))));
    if (get(e, "phone")) facts.push(h("div", { key: "tel" }, h("dt", null, DATA.contact.phone), h("dd", null, h("a", { href: "#" }, get(e, "phone")))));
    return page(h("article", { className: "partner" },
      h("header", null,
        get(e, "logo") ? h("img", { className: "partner-logo", src: asset(props, get(e, "logo")), alt: "Logo van " + title }) : null,
        h("h1", null, title),
        get(e, "summary") ? h("p", { className: "lead" }, get(e, "summary")) : null),
      h("dl", { className: "facts" }, facts),
      h("div", { className: "prose" }, props.widgetFor("body"))));
  }

  function NewsletterPreview(props) {
    var e = props.entry;
    var day = parseMoment(get(e, "date"));
    var number = get(e, "number");
    var articles = list(e, "articles");
    var events = get(e, "events");
    var sections = [];
    if (articles.length) {
      sections.push(h("section", { key: "a" }, h("h2", null, "In deze nieuwsbrief"), articles.map(function (s) {
        var meta = props.fieldsMetaData && props.fieldsMetaData.getIn(["articles", DATA.collections.article, s]);
        return h("article", { key: s, className: "card" },
          h("h3", { className: "card-title" }, h("a", { href: "#" }, refTitle(props, "articles", "article", s))),
          meta && meta.get ? h("p", null, meta.get("summary")) : null);
      })));
    }
    if (events === "upcoming") {
      sections.push(h("section", { key: "e" }, h("h2", null, "Komende evenementen"),
        h("p", null, "(De komende evenementen worden ingevuld als de site wordt gebouwd.)")));
    } else if (list(e, "events").length) {
      sections.push(h("section", { key: "e" }, h("h2", null, "Agenda"), h("ul", { className: "plain" },
        list(e, "events").map(function (s) { return h("li", { key: s }, h("a", { href: "#" }, refTitle(props, "events", "event", s))); }))));
    }
    return page(h("article", { className: "newsletter" },
      h("p", { className: "meta" }, h("a", { href: "#" }, "Nieuwsbrief"), number ? " " + number : "", ", ", day ? time(day, nlDate(day)) : null),
      h("h1", null, get(e, "title")),
      h("div", { className: "prose" }, props.widgetFor("body")),
      sections));
  }

  function PagePreview(props) {
    return page(h("article", { className: "page" },
      h("h1", null, get(props.entry, "title")),
      h("div", { className: "prose" }, props.widgetFor("body"))));
  }

  // --- notices about logging in --------------------------------------------------------------

  function notice(text) {
    var box = document.createElement("p");
    box.className = "swk-notice";
    box.setAttribute("role", "alert");
    box.textContent = text;
    document.body.insertBefore(box, document.body.firstChild);
  }

  function checkLogin() {
    if (DATA.login === "none") {
      notice("Inloggen met GitHub is op deze site nog niet ingesteld. Vraag de beheerder om de " +
        "inlogdienst in te stellen.");
    } else if (DATA.login === "service") {
      fetch(DATA.service_url + "/health", { mode: "no-cors", cache: "no-store" }).catch(function () {
        notice("De inlogdienst (" + DATA.service_url + ") is nu niet bereikbaar, dus inloggen met " +
          "GitHub lukt niet. Probeer het over een paar minuten opnieuw; blijft dit zo, meld het " +
          "dan aan de beheerder.");
      });
    }
  }

  // --- register with Decap -------------------------------------------------------------------

  window.SWK_EDITOR = { parseMoment: parseMoment, whenText: whenText, placeText: placeText, nlDate: nlDate };
  CMS.registerWidget("swk-date", DateControl, DatePreview);
  CMS.registerWidget("swk-events", EventsControl);
  CMS.registerPreviewTemplate(DATA.collections.article, ArticlePreview);
  CMS.registerPreviewTemplate(DATA.collections.event, EventPreview);
  CMS.registerPreviewTemplate(DATA.collections.partner, PartnerPreview);
  CMS.registerPreviewTemplate(DATA.collections.newsletter, NewsletterPreview);
  CMS.registerPreviewTemplate(DATA.collections.page, PagePreview);
  checkLogin();
})();
