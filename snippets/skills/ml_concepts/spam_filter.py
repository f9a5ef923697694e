"""A small spam filter: TF-IDF features + logistic regression, evaluated honestly and
inspected (which words push a message towards spam).

Run from the repo root: python snippets/skills/ml_concepts/spam_filter.py
"""

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import classification_report, confusion_matrix
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.pipeline import Pipeline

# --8<-- [start:corpus]
HAM = [
    "Are we still on for lunch tomorrow at noon?",
    "The deploy finished, can you check the dashboard when you get a minute",
    "Running ten minutes late, start the meeting without me",
    "Can you review my pull request before the standup",
    "Thanks for the notes from yesterday, very helpful",
    "Mum says dinner is at seven on Sunday",
    "The build is red again, looks like a flaky integration test",
    "Do you want to grab coffee after the retro",
    "I pushed the fix for the login bug, please pull main",
    "Happy birthday! Hope you have a lovely day",
    "Your package was left with the neighbour at number 12",
    "Could you send me the slides from the planning session",
    "The on-call handover doc is in the shared drive",
    "Let's move the one-to-one to Thursday afternoon",
    "Reminder: dentist appointment on Monday at 9",
    "Great game last night, we should play again next week",
    "The database migration ran fine in staging",
    "Can you pick up milk and bread on the way home",
    "I left my charger in the meeting room, could you grab it",
    "The team offsite is confirmed for the first week of June",
    "Please update the runbook after today's incident",
    "Are you free for a quick call about the API design",
    "The kids loved the museum, thanks for the tip",
    "Latency is back to normal after the cache change",
    "Who is buying the cake for Priya's leaving do",
    "Your invoice for last month's hosting is attached as usual",
    "Can we pair on the flaky test this afternoon",
    "Train is delayed, I will join remotely",
    "Sounds good, see you at the station at six",
    "The quarterly report draft is ready for comments",
]
SPAM = [
    "WINNER! You have been selected for a free cash prize, claim now",
    "Congratulations, you won a free iPhone, click the link to claim",
    "URGENT: your account is suspended, verify your password here",
    "Earn cash fast from home, no experience needed, reply YES",
    "Claim your free gift card now, offer expires tonight",
    "You have won 1000 pounds, call now to claim your prize",
    "Lowest price pills, order now with free delivery",
    "Exclusive deal: 90% off luxury watches, buy now",
    "Your parcel is held, pay the customs fee at this link now",
    "Get rich quick with this one crypto trick, click here",
    "FREE entry to win a holiday, text WIN to 80000",
    "Hot singles in your area want to meet, click now",
    "Final notice: claim your tax refund today via this link",
    "You are pre-approved for a loan, no credit check, apply now",
    "Act now! Limited offer, double your money guaranteed",
    "Cheap meds without prescription, free shipping worldwide",
    "Your bank account needs urgent verification, click the link",
    "Congratulations! You are our lucky winner, claim your reward",
    "Work from home and earn 5000 a week, reply now",
    "Free ringtones for your mobile, text GO to subscribe",
    "Unlock your prize now, only today, click to claim",
    "Limited time: free trial of premium, just enter your card",
    "Investment opportunity with guaranteed returns, call now",
    "Your mailbox is full, verify your login here to keep email",
    "Win a brand new car! Reply now to enter the free draw",
]
messages = pd.DataFrame(
    {
        "text": HAM + SPAM,
        "label": ["ham"] * len(HAM) + ["spam"] * len(SPAM),
    }
)
messages["is_spam"] = (messages["label"] == "spam").astype(int)
print(messages["label"].value_counts().to_string())
print("\nexamples:")
for row in messages.groupby("label").head(2).itertuples():
    print(f"  [{row.label:4}] {row.text}")
# --8<-- [end:corpus]

# --8<-- [start:train]
# Stratify so both splits keep the ham/spam ratio; with 55 messages a plain random split
# could easily put almost all spam on one side.
X_train, X_test, y_train, y_test = train_test_split(
    messages["text"],
    messages["is_spam"],
    test_size=0.3,
    random_state=42,
    stratify=messages["is_spam"],
)
# TF-IDF: each message becomes a sparse vector of word weights; words that appear in
# every message ("the", "you") get down-weighted. ngram_range=(1, 2) adds word pairs.
tfidf = TfidfVectorizer(lowercase=True, ngram_range=(1, 2), sublinear_tf=True)
spam_filter = Pipeline([("tfidf", tfidf), ("clf", LogisticRegression(C=10))])
spam_filter.fit(X_train, y_train)
pred = spam_filter.predict(X_test)

print(f"vocabulary size: {len(spam_filter['tfidf'].vocabulary_)} words and word pairs")
cm = pd.DataFrame(
    confusion_matrix(y_test, pred),
    index=["actual ham", "actual spam"],
    columns=["pred ham", "pred spam"],
)
print(cm.to_string())
print(classification_report(y_test, pred, target_names=["ham", "spam"], digits=3))
label = {0: "ham", 1: "spam"}
for text, actual, guess in zip(X_test, y_test, pred, strict=True):
    if actual != guess:
        print(f"misclassified ({label[actual]} as {label[guess]}): {text}")
assert len(y_test) == 17
# A 17-message test set is tiny, so also cross-validate on everything for a steadier
# number (each fold refits the whole pipeline, vectorizer included).
texts, is_spam = messages["text"], messages["is_spam"]
cv_f1 = cross_val_score(spam_filter, texts, is_spam, cv=5, scoring="f1")
print(f"5-fold CV F1: {cv_f1.mean():.3f} +/- {cv_f1.std():.3f}")

# The model is linear, so each word's coefficient says how hard it pushes towards spam.
words = spam_filter["tfidf"].get_feature_names_out()
coefs = spam_filter["clf"].coef_[0]
top = np.argsort(coefs)[::-1][:8]
print("\nwords pushing hardest towards spam:")
print("  " + ", ".join(f"{words[i]} ({coefs[i]:.2f})" for i in top[:4]))
print("  " + ", ".join(f"{words[i]} ({coefs[i]:.2f})" for i in top[4:]))
# --8<-- [end:train]

# --8<-- [start:predict]
new_messages = [
    "Claim your free prize now, click the link",
    "Can you check the staging deploy before lunch",
    "Your account password expires, verify here",
    "Free pizza in the kitchen after the standup",
    "Congratulations on the launch, great work team",
]
# predict_proba gives a score, not just a label. A mail system routes on thresholds
# (spam folder, flagged, delivered) chosen on held-out mail for a precision target; a fixed
# cut-off such as 0.9 means "90% likely" only once the scores are checked for calibration.
proba = spam_filter.predict_proba(new_messages)[:, 1]
for text, p in zip(new_messages, proba, strict=True):
    verdict = "SPAM" if p >= 0.5 else "ham "
    print(f"  {verdict}  p(spam)={p:.2f}  {text}")
# --8<-- [end:predict]
