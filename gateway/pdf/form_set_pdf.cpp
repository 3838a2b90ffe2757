#include "pdf/form_set_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <ctime>
#include <memory>

#include "pdf/form_fields.h"

namespace gateway::pdf {
namespace {

// A4 in PostScript points; everything below is in points.
constexpr double kPageWidth = 595.276;
constexpr double kPageHeight = 841.89;
constexpr double kMargin = 50;
constexpr double kFooterHeight = 42;  // page footer plus room for the truncation notice
constexpr double kContentWidth = kPageWidth - 2 * kMargin;
constexpr double kLabelWidth = kContentWidth * 0.42;
constexpr double kColumnGap = 12;
constexpr double kIndentPerLevel = 6;
constexpr int kMaxIndentLevels = 6;

struct Labels {
  const char* title;
  const char* service;
  const char* reportee;
  const char* archive_reference;
  const char* archived;
  const char* case_id;
  const char* form;       // "Form 1 of 2"
  const char* of;
  const char* data_format;
  const char* version;
  const char* reference;
  const char* too_large;  // form data over the limit
  const char* not_xml;
  const char* fields_cut;
  const char* chars_left_out;
  const char* attachments;
  const char* no_attachments;
  const char* file_name;
  const char* type;
  const char* size;
  const char* bytes;
  const char* page;
  const char* truncated;
};

constexpr Labels kBokmal{"Skjemasett", "Tjeneste", "Avgiver", "Arkivreferanse", "Arkivert (UTC)", "Saksnummer",
                         "Skjema", "av", "dataformat", "versjon", "Referanse",
                         "Skjemadataene er større enn grensen for utskrift", "Skjemadataene er ikke gyldig XML",
                         "Flere felt er utelatt (grense for utskrift)", "tegn utelatt", "Vedlegg", "Ingen vedlegg",
                         "Filnavn", "Type", "Størrelse", "byte", "Side",
                         "Utskriften er avkortet: grensen for antall sider er nådd."};
constexpr Labels kNynorsk{"Skjemasett", "Teneste", "Avgjevar", "Arkivreferanse", "Arkivert (UTC)", "Saksnummer",
                          "Skjema", "av", "dataformat", "versjon", "Referanse",
                          "Skjemadataa er større enn grensa for utskrift", "Skjemadataa er ikkje gyldig XML",
                          "Fleire felt er utelatne (grense for utskrift)", "teikn utelatne", "Vedlegg",
                          "Ingen vedlegg", "Filnamn", "Type", "Storleik", "byte", "Side",
                          "Utskrifta er avkorta: grensa for talet på sider er nådd."};
constexpr Labels kEnglish{"Form set", "Service", "Reportee", "Archive reference", "Archived (UTC)", "Case ID",
                          "Form", "of", "data format", "version", "Reference",
                          "The form data is larger than the printing limit", "The form data is not valid XML",
                          "More fields are left out (printing limit)", "characters left out", "Attachments",
                          "No attachments", "File name", "Type", "Size", "bytes", "Page",
                          "This printout is truncated: the page limit was reached."};

const Labels& labelsFor(Language language) {
  switch (language) {
    case Language::kNynorsk: return kNynorsk;
    case Language::kEnglish: return kEnglish;
    default: return kBokmal;
  }
}

enum class Style { kTitle, kHeading, kStrong, kLabel, kValue, kEmpty, kMono, kNotice };

struct StyleSpec {
  const char* font;
  double gray;  // 0 = black
};

StyleSpec specOf(Style style) {
  switch (style) {
    case Style::kTitle: return {"DejaVu Sans Bold 16", 0};
    case Style::kHeading: return {"DejaVu Sans Bold 12", 0};
    case Style::kStrong: return {"DejaVu Sans Bold 10", 0};
    case Style::kLabel: return {"DejaVu Sans 8.5", 0.35};
    case Style::kValue: return {"DejaVu Sans 10", 0};
    case Style::kEmpty: return {"DejaVu Sans 10", 0.55};
    case Style::kMono: return {"DejaVu Sans Mono 7", 0};  // a SHA-256 in hex fits the value column
    case Style::kNotice: return {"DejaVu Sans Oblique 9", 0.25};
  }
  return {"DejaVu Sans 10", 0};
}

std::string utcTime(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%d %H:%M:%S", &tm);
  return out;
}

// Cuts `text` to at most `max_chars` UTF-8 characters (never inside a character).
std::string cutUtf8(const std::string& text, int max_chars, long* left_out) {
  *left_out = 0;
  long chars = 0;
  std::size_t cut = std::string::npos;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (chars == max_chars) cut = i;
    ++chars;
  }
  if (cut == std::string::npos) return text;
  *left_out = chars - max_chars;
  return text.substr(0, cut);
}

cairo_status_t appendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

using LayoutPtr = std::unique_ptr<PangoLayout, decltype(&g_object_unref)>;

// Lays text out top to bottom over as many pages as it needs, one line at a time.
class Document {
 public:
  Document(const PdfLimits& limits, const Labels& labels, std::string footer)
      : limits_(limits), labels_(labels), footer_(std::move(footer)) {}

  ~Document() {
    if (context_) g_object_unref(context_);
    if (cr_) cairo_destroy(cr_);
    if (surface_) cairo_surface_destroy(surface_);
  }
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  Status begin(const std::string& title) {
    surface_ = cairo_pdf_surface_create_for_stream(appendToString, &bytes_, kPageWidth, kPageHeight);
    if (cairo_surface_status(surface_) != CAIRO_STATUS_SUCCESS) return Status::Internal("cairo: cannot create PDF");
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_TITLE, title.c_str());
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATOR, "service-owner gateway");
    cr_ = cairo_create(surface_);
    context_ = pango_cairo_create_context(cr_);
    pango_cairo_context_set_resolution(context_, 72);  // font sizes in points = user units
    pages_ = 1;
    y_ = kMargin;
    return Status::Ok();
  }

  bool stopped() const { return stopped_; }

  void space(double points) {
    if (!stopped_) y_ = std::min(y_ + points, bottom());
  }

  void paragraph(const std::string& text, Style style, double space_after = 4) {
    if (stopped_) return;
    LayoutPtr layout = layoutOf(text, style, kContentWidth);
    drawColumns(layout.get(), kMargin, specOf(style).gray, nullptr, 0, 0);
    space(space_after);
  }

  // A label (left column) beside its value (right column); both wrap, the row may cross pages.
  void row(const std::string& label, const std::string& value, int depth, Style value_style = Style::kValue) {
    if (stopped_) return;
    const double indent = kIndentPerLevel * std::min(depth, kMaxIndentLevels);
    LayoutPtr left = layoutOf(label, Style::kLabel, kLabelWidth - indent);
    const bool empty = value.empty();
    const Style style = empty ? Style::kEmpty : value_style;
    LayoutPtr right = layoutOf(empty ? "–" : value, style, kContentWidth - kLabelWidth - kColumnGap);
    drawColumns(left.get(), kMargin + indent, specOf(Style::kLabel).gray, right.get(),
                kMargin + kLabelWidth + kColumnGap, specOf(style).gray);
    separator();
  }

  void rule() {
    if (stopped_ || !ensureSpace(8)) return;
    cairo_set_source_rgb(cr_, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr_, 0.8);
    cairo_move_to(cr_, kMargin, y_ + 4);
    cairo_line_to(cr_, kPageWidth - kMargin, y_ + 4);
    cairo_stroke(cr_);
    y_ += 8;
  }

  // Starts the next section on a fresh line with room for at least a heading and one row.
  void keepWithNext(double points) {
    if (!stopped_ && y_ + points > bottom() && y_ > kMargin) nextPage();
  }

  Result<RenderedPdf> finish() {
    drawFooter();
    cairo_show_page(cr_);
    g_object_unref(context_);
    context_ = nullptr;
    cairo_destroy(cr_);
    cr_ = nullptr;
    cairo_surface_finish(surface_);
    const cairo_status_t status = cairo_surface_status(surface_);
    cairo_surface_destroy(surface_);
    surface_ = nullptr;
    if (status != CAIRO_STATUS_SUCCESS) return Status::Internal(std::string("cairo: ") + cairo_status_to_string(status));
    return RenderedPdf{std::move(bytes_), pages_, stopped_};
  }

 private:
  static double bottom() { return kPageHeight - kMargin - kFooterHeight; }

  LayoutPtr layoutOf(const std::string& text, Style style, double width) {
    LayoutPtr layout(pango_layout_new(context_), g_object_unref);
    PangoFontDescription* font = pango_font_description_from_string(specOf(style).font);
    pango_layout_set_font_description(layout.get(), font);
    pango_font_description_free(font);
    pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);  // long unbroken values wrap too
    // A hyphen inserted at a break would read as part of the value (account numbers, ids).
    PangoAttrList* attributes = pango_attr_list_new();
    pango_attr_list_insert(attributes, pango_attr_insert_hyphens_new(FALSE));
    pango_layout_set_attributes(layout.get(), attributes);
    pango_attr_list_unref(attributes);
    pango_layout_set_text(layout.get(), text.c_str(), static_cast<int>(text.size()));
    return layout;
  }

  struct Line {
    PangoLayoutLine* line;
    double ascent;  // from the line's top to its baseline
    double height;
  };

  static std::vector<Line> linesOf(PangoLayout* layout) {
    std::vector<Line> lines;
    if (!layout) return lines;
    PangoLayoutIter* iter = pango_layout_get_iter(layout);
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(iter, nullptr, &logical);
      const int baseline = pango_layout_iter_get_baseline(iter);
      lines.push_back({pango_layout_iter_get_line_readonly(iter),
                       static_cast<double>(baseline - logical.y) / PANGO_SCALE,
                       static_cast<double>(logical.height) / PANGO_SCALE});
    } while (pango_layout_iter_next_line(iter));
    pango_layout_iter_free(iter);
    return lines;
  }

  // Draws one or two layouts side by side, line by line, breaking pages between lines.
  void drawColumns(PangoLayout* left, double left_x, double left_gray, PangoLayout* right, double right_x,
                   double right_gray) {
    const std::vector<Line> a = linesOf(left), b = linesOf(right);
    const std::size_t n = std::max(a.size(), b.size());
    for (std::size_t i = 0; i < n && !stopped_; ++i) {
      const double height = std::max(i < a.size() ? a[i].height : 0.0, i < b.size() ? b[i].height : 0.0);
      if (!ensureSpace(height)) return;
      if (i < a.size()) showLine(a[i], left_x, left_gray);
      if (i < b.size()) showLine(b[i], right_x, right_gray);
      y_ += height;
    }
  }

  void showLine(const Line& line, double x, double gray) {
    cairo_set_source_rgb(cr_, gray, gray, gray);
    cairo_move_to(cr_, x, y_ + line.ascent);
    pango_cairo_show_layout_line(cr_, line.line);
  }

  void separator() {
    if (stopped_) return;
    y_ += 2;
    if (y_ >= bottom()) return;
    cairo_set_source_rgb(cr_, 0.85, 0.85, 0.85);
    cairo_set_line_width(cr_, 0.4);
    cairo_move_to(cr_, kMargin, y_);
    cairo_line_to(cr_, kPageWidth - kMargin, y_);
    cairo_stroke(cr_);
    y_ += 3;
  }

  // False (and stops all further output) when a new page is needed but the page limit is reached.
  bool ensureSpace(double height) {
    if (y_ + height <= bottom() || y_ <= kMargin) return true;  // a line taller than a page is drawn clipped
    if (pages_ >= limits_.max_pages) {
      stopped_ = true;
      return false;
    }
    nextPage();
    return true;
  }

  void nextPage() {
    drawFooter();
    cairo_show_page(cr_);
    ++pages_;
    y_ = kMargin;
  }

  void drawFooter() {
    const double top = kPageHeight - kMargin - kFooterHeight + 8;
    if (stopped_) {
      LayoutPtr notice = layoutOf(labels_.truncated, Style::kNotice, kContentWidth);
      cairo_set_source_rgb(cr_, 0.6, 0, 0);
      cairo_move_to(cr_, kMargin, top);
      pango_cairo_show_layout(cr_, notice.get());
    }
    LayoutPtr footer = layoutOf(footer_ + "  ·  " + labels_.page + " " + std::to_string(pages_), Style::kLabel,
                                kContentWidth);
    cairo_set_source_rgb(cr_, 0.35, 0.35, 0.35);
    cairo_move_to(cr_, kMargin, kPageHeight - kMargin - 10);
    pango_cairo_show_layout(cr_, footer.get());
  }

  const PdfLimits& limits_;
  const Labels& labels_;
  std::string footer_;
  std::string bytes_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
  PangoContext* context_ = nullptr;
  int pages_ = 0;
  double y_ = kMargin;
  bool stopped_ = false;
};

std::string limitedValue(const std::string& value, const PdfLimits& limits, const Labels& labels) {
  long left_out = 0;
  std::string shown = cutUtf8(value, limits.max_value_chars, &left_out);
  if (left_out > 0) shown += " … (" + std::to_string(left_out) + " " + labels.chars_left_out + ")";
  return shown;
}

void renderForm(Document& doc, const persistence::FormRecord& form, std::size_t number, std::size_t count,
                const PdfLimits& limits, const Labels& labels) {
  doc.keepWithNext(80);
  doc.space(8);
  doc.paragraph(std::string(labels.form) + " " + std::to_string(number) + " " + labels.of + " " +
                    std::to_string(count) + ": " + labels.data_format + " " + form.data_format_id + ", " +
                    labels.version + " " + std::to_string(form.data_format_version),
                Style::kHeading);
  if (!form.end_user_system_reference.empty()) doc.row(labels.reference, form.end_user_system_reference, 0);
  if (static_cast<long>(form.form_data.size()) > limits.max_form_bytes) {
    doc.paragraph(std::string(labels.too_large) + " (" + std::to_string(form.form_data.size()) + " " + labels.bytes +
                      ").",
                  Style::kNotice);
    return;
  }
  auto fields = formFieldsOf(form.form_data, {limits.max_fields_per_form, 64});
  if (!fields.ok()) {
    doc.paragraph(std::string(labels.not_xml) + ":", Style::kNotice);
    doc.paragraph(limitedValue(form.form_data, limits, labels), Style::kMono);
    return;
  }
  for (const FormField& field : fields->fields) {
    if (doc.stopped()) return;
    doc.row(field.path, limitedValue(field.value, limits, labels), field.depth);
  }
  if (fields->truncated) doc.paragraph(labels.fields_cut, Style::kNotice);
}

void renderAttachments(Document& doc, const std::vector<persistence::AttachmentRecord>& attachments,
                       const PdfLimits& limits, const Labels& labels) {
  doc.keepWithNext(80);
  doc.space(8);
  doc.paragraph(std::string(labels.attachments) + " (" + std::to_string(attachments.size()) + ")", Style::kHeading);
  if (attachments.empty()) doc.paragraph(labels.no_attachments, Style::kEmpty);
  for (const auto& a : attachments) {
    if (doc.stopped()) return;
    doc.keepWithNext(60);
    doc.space(2);
    doc.paragraph(limitedValue(a.name.empty() ? a.file_name : a.name, limits, labels), Style::kStrong, 1);
    doc.row(labels.file_name, limitedValue(a.file_name, limits, labels), 1);
    doc.row(labels.type, a.attachment_type_name, 1);
    doc.row(labels.size, std::to_string(a.size) + " " + labels.bytes, 1);
    doc.row("SHA-256", a.sha256_hex, 1, Style::kMono);
  }
}

}  // namespace

Result<RenderedPdf> renderFormSetPdf(const FormSetPdfInput& input, const PdfLimits& limits) {
  if (limits.max_pages < 1 || limits.max_value_chars < 1) return Status::InvalidArgument("PDF limits must be positive");
  const Labels& labels = labelsFor(input.language);
  const persistence::ArchivedSubmission& s = input.submission;
  Document doc(limits, labels, s.archive_reference);
  Status begun = doc.begin(std::string(labels.title) + " " + s.archive_reference);
  if (!begun.ok()) return begun;

  doc.paragraph(std::string(labels.title) + " " + s.archive_reference, Style::kTitle, 2);
  doc.rule();
  std::string service = s.service_code + " / " + std::to_string(s.service_edition);
  if (!s.service_name.empty()) service += " — " + s.service_name;
  doc.row(labels.service, service, 0);
  doc.row(labels.reportee, s.reportee, 0);
  doc.row(labels.archive_reference, s.archive_reference, 0);
  doc.row(labels.archived, utcTime(s.archived_at), 0);
  if (s.case_id) doc.row(labels.case_id, std::to_string(*s.case_id), 0);

  std::size_t number = 0;
  for (std::size_t index : input.form_indexes) {
    if (index >= s.forms.size() || doc.stopped()) continue;
    renderForm(doc, s.forms[index], ++number, input.form_indexes.size(), limits, labels);
  }
  renderAttachments(doc, s.attachments, limits, labels);
  return doc.finish();
}

}  // namespace gateway::pdf
