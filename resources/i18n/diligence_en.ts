<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en">
  <context>
    <name>AuditDialog</name>
    <message numerus="yes">
      <source>%n entry(s)</source>
      <translation>
        <numerusform>%n entry</numerusform>
        <numerusform>%n entries</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Exported %n entry(s) to </source>
      <translation>
        <numerusform>Exported %n entry to </numerusform>
        <numerusform>Exported %n entries to </numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>DiffDialog</name>
    <message numerus="yes">
      <source>Differences in %n question(s).</source>
      <translation>
        <numerusform>Differences in %n question.</numerusform>
        <numerusform>Differences in %n questions.</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>DocumentsPanel</name>
    <message numerus="yes">
      <source>Add %n file(s) to the documents of %1.</source>
      <translation>
        <numerusform>Add %n file to the documents of %1.</numerusform>
        <numerusform>Add %n files to the documents of %1.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n document(s) added.</source>
      <translation>
        <numerusform>%n document added.</numerusform>
        <numerusform>%n documents added.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n file(s) could not be added.</source>
      <translation>
        <numerusform>%n file could not be added.</numerusform>
        <numerusform>%n files could not be added.</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>NewEvaluationDialog</name>
    <message numerus="yes">
      <source>%1 (%n question(s))</source>
      <translation>
        <numerusform>%1 (%n question)</numerusform>
        <numerusform>%1 (%n questions)</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>Page</name>
    <message numerus="yes">
      <source>{vendor} · {uc} · kickoff {k} · %n review(s)</source>
      <translation>
        <numerusform>{vendor} · {uc} · kickoff {k} · %n review</numerusform>
        <numerusform>{vendor} · {uc} · kickoff {k} · %n reviews</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%1 — latest v%2, %n question(s)</source>
      <translation>
        <numerusform>%1 — latest v%2, %n question</numerusform>
        <numerusform>%1 — latest v%2, %n questions</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>v%1 · %n question(s)</source>
      <translation>
        <numerusform>v%1 · %n question</numerusform>
        <numerusform>v%1 · %n questions</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source> · %n section(s)</source>
      <translation>
        <numerusform> · %n section</numerusform>
        <numerusform> · %n sections</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n open critical red flag(s)</source>
      <translation>
        <numerusform>%n open critical red flag</numerusform>
        <numerusform>%n open critical red flags</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>PdfPreview</name>
    <message numerus="yes">
      <source>%n page(s) · %1</source>
      <translation>
        <numerusform>%n page · %1</numerusform>
        <numerusform>%n pages · %1</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>ReferenceChecksPanel</name>
    <message numerus="yes">
      <source>%n check(s) recorded</source>
      <translation>
        <numerusform>%n check recorded</numerusform>
        <numerusform>%n checks recorded</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>ReviewForm</name>
    <message numerus="yes">
      <source>At the end of {m}: {r} of %n milestone(s) reached, {o} overdue.</source>
      <translation>
        <numerusform>At the end of {m}: {r} of %n milestone reached, {o} overdue.</numerusform>
        <numerusform>At the end of {m}: {r} of %n milestones reached, {o} overdue.</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>VendorsTab</name>
    <message numerus="yes">
      <source>Remove %1 and its %n answer(s)? You can undo this.</source>
      <translation>
        <numerusform>Remove %1 and its %n answer? You can undo this.</numerusform>
        <numerusform>Remove %1 and its %n answers? You can undo this.</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>_FilePage</name>
    <message numerus="yes">
      <source>%n question(s)</source>
      <translation>
        <numerusform>%n question</numerusform>
        <numerusform>%n questions</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n question row(s)</source>
      <translation>
        <numerusform>%n question row</numerusform>
        <numerusform>%n question rows</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>_MappingPage</name>
    <message numerus="yes">
      <source>%n question(s) read</source>
      <translation>
        <numerusform>%n question read</numerusform>
        <numerusform>%n questions read</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>fix the %n error(s) below to import</source>
      <translation>
        <numerusform>fix the %n error below to import</numerusform>
        <numerusform>fix the %n errors below to import</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n question(s) will be imported</source>
      <translation>
        <numerusform>%n question will be imported</numerusform>
        <numerusform>%n questions will be imported</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n sheet(s): </source>
      <translation>
        <numerusform>%n sheet: </numerusform>
        <numerusform>%n sheets: </numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n section(s): </source>
      <translation>
        <numerusform>%n section: </numerusform>
        <numerusform>%n sections: </numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n section row(s) found inside the tables</source>
      <translation>
        <numerusform>%n section row found inside the tables</numerusform>
        <numerusform>%n section rows found inside the tables</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n section row(s) found inside the table (rows %1)</source>
      <translation>
        <numerusform>%n section row found inside the table (rows %1)</numerusform>
        <numerusform>%n section rows found inside the table (rows %1)</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n question(s) take the section from a cell above them</source>
      <translation>
        <numerusform>%n question take the section from a cell above them</numerusform>
        <numerusform>%n questions take the section from a cell above them</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>_NamePage</name>
    <message numerus="yes">
      <source>%n question(s) from %1.</source>
      <translation>
        <numerusform>%n question from %1.</numerusform>
        <numerusform>%n questions from %1.</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>_PointsPage</name>
    <message numerus="yes">
      <source>%n answer(s) marked with a warning are a guess from their place in the list: check them.</source>
      <translation>
        <numerusform>%n answer marked with a warning are a guess from their place in the list: check them.</numerusform>
        <numerusform>%n answers marked with a warning are a guess from their place in the list: check them.</numerusform>
      </translation>
    </message>
  </context>
</TS>